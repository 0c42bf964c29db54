package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code config.fingerprint}: both fields optional. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Fingerprint(FingerprintBrowser browser, FingerprintLocale locale) {}
