package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ErrorCodes;
import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.internal.client.Reply;
import ai.bctrl.provisioner.internal.client.TransportException;
import ai.bctrl.provisioner.internal.engine.Verdict.Kind;
import ai.bctrl.provisioner.model.ApiError;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * The classification of a create attempt, a pure function of the answer (or its absence):
 *
 * <pre>
 * 2xx, runtime parsed, status failed|stopped   UNHEALTHY
 * 2xx, runtime parsed, any other status        CREATED
 * 2xx, body not a runtime                      UNCERTAIN  OTHER
 * 401, 403                                     KEY_REJECTED
 * 402                                          QUOTA
 * 408                                          RETRY      TIMEOUT
 * 409                                          CONFLICT   OTHER
 * 429                                          RETRY      RATE_LIMITED (Retry-After)
 * 503                                          RETRY      SERVER_5XX   (Retry-After)
 * 500, 502, 504 and any other 5xx              UNCERTAIN  SERVER_5XX
 * any other 4xx (400, 404, 422 ...), 1xx, 3xx  PERMANENT
 * refused / connect timeout                    RETRY      RESET
 * reset or timeout before the request was sent RETRY      RESET | TIMEOUT
 * reset or timeout after the request was sent  UNCERTAIN  RESET | TIMEOUT
 * anything unexpected                          UNCERTAIN  OTHER
 * </pre>
 */
public final class Classifier {
  private Classifier() {}

  /** The verdict on an answer; {@code now} reads an HTTP-date {@code Retry-After}. */
  public static Verdict classify(Reply r, Instant now) {
    int s = r.status();
    Duration retryAfter = RetryAfter.parse(r.retryAfter(), now).orElse(null);
    if (s >= 200 && s < 300) {
      if (r.runtime() == null) {
        return verdict(Kind.UNCERTAIN, RetryCause.OTHER, r, ErrorCodes.UNPARSEABLE_RESPONSE,
            "HTTP " + s + " with a body that is not a runtime", null);
      }
      RuntimeStatus st = r.runtime().status();
      Kind k = st == RuntimeStatus.FAILED || st == RuntimeStatus.STOPPED ? Kind.UNHEALTHY : Kind.CREATED;
      String msg = k == Kind.UNHEALTHY ? "created with status " + st : null;
      return new Verdict(k, null, s, null, msg == null ? null : withRequestId(msg, r.requestId()), null, r.runtime());
    }
    return switch (s) {
      case 401, 403 -> verdict(Kind.KEY_REJECTED, null, r, null, null, null);
      case 402 -> verdict(Kind.QUOTA, null, r, null, null, null);
      case 408 -> verdict(Kind.RETRY, RetryCause.TIMEOUT, r, null, null, retryAfter);
      case 409 -> verdict(Kind.CONFLICT, RetryCause.OTHER, r, null, null, null);
      case 429 -> verdict(Kind.RETRY, RetryCause.RATE_LIMITED, r, null, null, retryAfter);
      case 503 -> verdict(Kind.RETRY, RetryCause.SERVER_5XX, r, null, null, retryAfter);
      default -> s >= 500 && s < 600
          ? verdict(Kind.UNCERTAIN, RetryCause.SERVER_5XX, r, null, null, null)
          : verdict(Kind.PERMANENT, null, r, null, null, null);
    };
  }

  /** The verdict on an attempt that got no complete answer. */
  public static Verdict classify(Throwable t) {
    if (t instanceof TransportException e) {
      RetryCause cause = e.kind() == TransportException.Kind.TIMEOUT ? RetryCause.TIMEOUT : RetryCause.RESET;
      String code = switch (e.kind()) {
        case CONNECT -> ErrorCodes.CONNECT_FAILED;
        case RESET -> ErrorCodes.CONNECTION_RESET;
        case TIMEOUT -> ErrorCodes.TIMEOUT;
        case OTHER -> ErrorCodes.TRANSPORT_ERROR;
      };
      Kind kind = e.kind() == TransportException.Kind.CONNECT || !e.requestWritten() ? Kind.RETRY : Kind.UNCERTAIN;
      return new Verdict(kind, cause, null, code, e.getMessage(), null, null);
    }
    return new Verdict(Kind.UNCERTAIN, RetryCause.OTHER, null, ErrorCodes.INTERNAL_ERROR,
        t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()), null, null);
  }

  private static Verdict verdict(Kind kind, RetryCause cause, Reply r, String code, String message,
      Duration retryAfter) {
    ApiError e = r.error();
    String c = code != null ? code : e != null && e.code() != null ? e.code() : "http." + r.status();
    String m = message != null ? message
        : e != null && e.error() != null && !e.error().isBlank() ? e.error() : "HTTP " + r.status();
    return new Verdict(kind, cause, r.status(), c, withRequestId(m, r.requestId()), retryAfter, null);
  }

  static String withRequestId(String message, String requestId) {
    return requestId == null ? message : message + " (requestId " + requestId + ")";
  }
}
