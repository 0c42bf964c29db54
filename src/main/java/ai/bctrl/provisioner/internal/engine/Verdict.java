package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.model.BrowserRuntime;
import java.time.Duration;

/**
 * What one create attempt means for its item.
 *
 * @param kind what to do next
 * @param cause why it failed, for retry statistics ({@code null} on success)
 * @param httpStatus the answer's status, {@code null} when there was no answer
 * @param errorCode the API's {@code code}, or a {@code provisioner.*} code
 * @param message a one-line description, with the request id when known
 * @param retryAfter the server's {@code Retry-After}, or {@code null}
 * @param runtime the runtime of a 2xx that parsed
 */
public record Verdict(
    Kind kind,
    RetryCause cause,
    Integer httpStatus,
    String errorCode,
    String message,
    Duration retryAfter,
    BrowserRuntime runtime) {

  /** The rows of the classification. */
  public enum Kind {
    /** 2xx with a healthy runtime. */
    CREATED,
    /** 2xx whose runtime is {@code failed} or {@code stopped}. */
    UNHEALTHY,
    /** Not processed; safe to repeat after a backoff (429, 503, 408, refused, reset before sending). */
    RETRY,
    /** May or may not have been created: settle by listing before any new attempt. */
    UNCERTAIN,
    /** 409: the key was used before: settle the same way. */
    CONFLICT,
    /** A 4xx that repeating will not fix. */
    PERMANENT,
    /** 401/403: stop the run at once. */
    KEY_REJECTED,
    /** 402: stop starting creates. */
    QUOTA
  }

  /** Whether the attempt counts as a failure towards {@code maxConsecutiveFailures}. */
  public boolean isApiFailure() {
    return (kind == Kind.RETRY && cause != RetryCause.RATE_LIMITED) || kind == Kind.UNCERTAIN;
  }
}
