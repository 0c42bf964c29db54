package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ErrorCodes;
import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.internal.client.Reply;
import ai.bctrl.provisioner.internal.client.TransportException;
import ai.bctrl.provisioner.model.ApiError;
import java.time.Duration;
import java.time.Instant;

/**
 * The classification of one stop or delete call, a pure function of the answer (or its absence).
 * Both calls are safe to repeat, so nothing is uncertain: whatever did not answer is simply tried
 * again.
 *
 * <pre>
 * 2xx                                        DONE         (stopped, or deleted, by this call)
 * stop   409 runtime.not_active              NOT_ACTIVE   (already stopped, or failed)
 * either 404 runtime.not_found               GONE         (already deleted)
 * delete 409 runtime.not_stopped             NOT_STOPPED  (active: stop it again, then delete)
 * 401, 403                                   KEY_REJECTED
 * 408                                        RETRY        TIMEOUT
 * 429                                        RETRY        RATE_LIMITED (Retry-After)
 * 5xx                                        RETRY        SERVER_5XX   (Retry-After)
 * no answer: refused, reset, timeout         RETRY        RESET | TIMEOUT
 * any other answer (a 404 or 409 with
 *   another code, 400, 402, 405 ...)         PERMANENT
 * anything unexpected (a bug)                PERMANENT
 * </pre>
 *
 * <p>A 404 counts as "gone" only with the code {@code runtime.not_found}: a 404 without it may be a
 * route that is not there (a wrong base URL), and taking that for "deleted" would record runtimes
 * as gone that still run.
 */
final class TeardownClassifier {
  static final String NOT_FOUND = "runtime.not_found";
  static final String NOT_ACTIVE = "runtime.not_active";
  static final String NOT_STOPPED = "runtime.not_stopped";

  private TeardownClassifier() {}

  /** Which call. */
  enum Call {
    STOP("stop"),
    DELETE("delete");

    final String verb;

    Call(String verb) {
      this.verb = verb;
    }
  }

  /**
   * What one call means.
   *
   * @param kind what to do next
   * @param cause why it is repeated ({@code null} unless {@link Kind#RETRY})
   * @param httpStatus the answer's status, {@code null} when there was none
   * @param errorCode the API's {@code code}, {@code http.<status>}, or a {@code provisioner.*} code
   * @param message one line, with the request id when known
   * @param retryAfter the server's {@code Retry-After}, or {@code null}
   */
  record CallVerdict(Kind kind, RetryCause cause, Integer httpStatus, String errorCode, String message,
      Duration retryAfter) {

    /** Whether the attempt counts as a failure towards {@code maxConsecutiveFailures}. */
    boolean isApiFailure() {
      return kind == Kind.RETRY && cause != RetryCause.RATE_LIMITED;
    }
  }

  /** The rows of the table above. */
  enum Kind {
    DONE,
    NOT_ACTIVE,
    GONE,
    NOT_STOPPED,
    RETRY,
    PERMANENT,
    KEY_REJECTED
  }

  /** The verdict on an answer to {@code call}; {@code now} reads an HTTP-date {@code Retry-After}. */
  static CallVerdict classify(Call call, Reply r, Instant now) {
    int s = r.status();
    String code = r.error() == null ? null : r.error().code();
    if (s >= 200 && s < 300) {
      return verdict(Kind.DONE, null, r, null);
    }
    if (s == 404 && NOT_FOUND.equals(code)) {
      return verdict(Kind.GONE, null, r, null);
    }
    if (s == 409 && call == Call.STOP && NOT_ACTIVE.equals(code)) {
      return verdict(Kind.NOT_ACTIVE, null, r, null);
    }
    if (s == 409 && call == Call.DELETE && NOT_STOPPED.equals(code)) {
      return verdict(Kind.NOT_STOPPED, null, r, null);
    }
    Duration retryAfter = RetryAfter.parse(r.retryAfter(), now).orElse(null);
    if (s == 401 || s == 403) {
      return verdict(Kind.KEY_REJECTED, null, r, null);
    }
    if (s == 408) {
      return verdict(Kind.RETRY, RetryCause.TIMEOUT, r, retryAfter);
    }
    if (s == 429) {
      return verdict(Kind.RETRY, RetryCause.RATE_LIMITED, r, retryAfter);
    }
    if (s >= 500 && s < 600) {
      return verdict(Kind.RETRY, RetryCause.SERVER_5XX, r, retryAfter);
    }
    return verdict(Kind.PERMANENT, null, r, null);
  }

  /** The verdict on a call that got no complete answer. */
  static CallVerdict classify(Throwable t) {
    if (t instanceof TransportException e) {
      RetryCause cause = e.kind() == TransportException.Kind.TIMEOUT ? RetryCause.TIMEOUT : RetryCause.RESET;
      String code = switch (e.kind()) {
        case CONNECT -> ErrorCodes.CONNECT_FAILED;
        case RESET -> ErrorCodes.CONNECTION_RESET;
        case TIMEOUT -> ErrorCodes.TIMEOUT;
        case OTHER -> ErrorCodes.TRANSPORT_ERROR;
      };
      return new CallVerdict(Kind.RETRY, cause, null, code, e.getMessage(), null);
    }
    return new CallVerdict(Kind.PERMANENT, null, null, ErrorCodes.INTERNAL_ERROR,
        t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()), null);
  }

  private static CallVerdict verdict(Kind kind, RetryCause cause, Reply r, Duration retryAfter) {
    ApiError e = r.error();
    boolean ok = r.status() >= 200 && r.status() < 300;
    String code = ok ? null : e != null && e.code() != null ? e.code() : "http." + r.status();
    String m = ok ? null : e != null && e.error() != null && !e.error().isBlank() ? e.error() : "HTTP " + r.status();
    return new CallVerdict(kind, cause, r.status(), code, m == null ? null : Classifier.withRequestId(m, r.requestId()),
        retryAfter);
  }
}
