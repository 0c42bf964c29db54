package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code config.fingerprint}: what browser the runtime presents itself as. Both fields optional.
 *
 * @param browser the browser, or {@code null} for the API's choice
 * @param locale the locale, or {@code null} for the API's choice
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Fingerprint(FingerprintBrowser browser, FingerprintLocale locale) {}
