package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Optional;

/**
 * {@code config} of a create request. Every field is optional: {@code null} means absent.
 *
 * @param proxy {@code null}: absent; {@code Optional.empty()}: an explicit JSON {@code null}
 *     (no proxy); otherwise the proxy
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuntimeConfig(
    Fingerprint fingerprint,
    Boolean humanize,
    Long humanizePersonaId,
    Optional<Proxy> proxy,
    Boolean solveCaptchas,
    Stealth stealth) {}
