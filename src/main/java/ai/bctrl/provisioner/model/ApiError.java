package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * The API's error body: {@code {error, code, reasonClass, details, hint, requestId}}.
 *
 * @param reasonClass one of {@code invalid_input}, {@code unauthorized}, {@code capability_denied},
 *     {@code capability_limit_exceeded}, {@code rate_limited}, {@code not_found}, {@code conflict},
 *     {@code upstream}, {@code server}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(
    String error, String code, String reasonClass, JsonNode details, String hint, String requestId) {}
