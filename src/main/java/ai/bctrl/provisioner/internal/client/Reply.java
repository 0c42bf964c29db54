package ai.bctrl.provisioner.internal.client;

import ai.bctrl.provisioner.model.ApiError;
import ai.bctrl.provisioner.model.BrowserRuntime;

/**
 * A complete HTTP answer to a create call.
 *
 * @param status the HTTP status
 * @param runtime the runtime of a 2xx whose body parsed as one, else {@code null} (a 2xx with a
 *     {@code null} runtime did not parse)
 * @param error the error body of a non-2xx when it parsed, else {@code null}
 * @param requestId from the body, or the {@code x-request-id} / {@code x-bctrl-request-id} header
 * @param retryAfter the raw {@code Retry-After} header, or {@code null}
 */
public record Reply(int status, BrowserRuntime runtime, ApiError error, String requestId, String retryAfter) {

  /** Whether the status is 2xx. */
  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }
}
