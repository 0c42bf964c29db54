package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The API's error body: {@code {error, code, reasonClass, details, hint, requestId}}.
 *
 * @param error what went wrong, in words
 * @param code the error's dot-namespaced code, e.g. {@code runtime.not_found}
 * @param reasonClass one of {@code invalid_input}, {@code unauthorized}, {@code capability_denied},
 *     {@code capability_limit_exceeded}, {@code rate_limited}, {@code not_found}, {@code conflict},
 *     {@code upstream}, {@code server}
 * @param details the API's details as plain Java values ({@code Map}, {@code List}, {@code String},
 *     numbers, booleans), or {@code null}; never a JSON library's type
 * @param hint what to do about it, or {@code null}
 * @param requestId the id of the failed request, for bctrl's support, or {@code null}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(
    String error, String code, String reasonClass, Object details, String hint, String requestId) {}
