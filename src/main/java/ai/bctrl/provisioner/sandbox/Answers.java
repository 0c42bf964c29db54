package ai.bctrl.provisioner.sandbox;

import ai.bctrl.provisioner.sandbox.SchemaValidator.Problem;
import ai.bctrl.provisioner.sandbox.Views.ErrorBody;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;

/** Makes the sandbox's answers: JSON views and the API's error bodies. Thread-safe. */
final class Answers {
  private static final byte[] HTML_502 =
      ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
              + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
          .getBytes(StandardCharsets.UTF_8);

  private final ObjectMapper json;

  Answers(ObjectMapper json) {
    this.json = json;
  }

  /** A JSON answer with {@code view} as its body. */
  Answer json(int status, Object view) {
    return Answer.json(status, json.writeValueAsBytes(view));
  }

  Answer error(int status, String message, String code, String reasonClass, String hint, String requestId) {
    return json(status, new ErrorBody(message, code, reasonClass, null, hint, requestId));
  }

  Answer unauthorised(String requestId) {
    return error(401, "Missing or invalid API key", "auth.unauthorized", "unauthorized",
        "send Authorization: Bearer <key>; the sandbox prints its key when it starts", requestId);
  }

  /** 400 {@code request.invalid} listing every problem. */
  Answer invalid(List<Problem> problems, String requestId) {
    Problem first = problems.get(0);
    String summary = problems.size() == 1
        ? "Invalid request: " + first.path() + " " + first.message()
        : "Invalid request: " + problems.size() + " problems, first " + first.path() + " " + first.message();
    return json(400, new ErrorBody(summary, "request.invalid", "invalid_input", problems, null, requestId));
  }

  /** 429 {@code rate_limited} for a call the rate limit of {@code b} refused; a token is back in {@code waitNanos}. */
  Answer rateLimited(Settings.Behaviour b, long waitNanos, String requestId) {
    return rateLimited("Rate limit exceeded: at most " + num(b.limit().rateNow())
        + " creates, stops and deletes per second (burst " + b.config().burst() + ")",
        RateLimit.retryAfterSeconds(waitNanos), requestId);
  }

  private static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** 429 {@code rate_limited} with {@code Retry-After}. */
  Answer rateLimited(String message, long retryAfterSeconds, String requestId) {
    return error(429, message, "rate_limited", "rate_limited", "retry after " + retryAfterSeconds + " s", requestId)
        .withHeader("retry-after", Long.toString(retryAfterSeconds));
  }

  /** 405 {@code request.method_not_allowed} with an {@code Allow} header. */
  Answer methodNotAllowed(String allowed, String hint, String requestId) {
    return error(405, "Method not allowed; allowed: " + allowed, "request.method_not_allowed", "invalid_input",
        hint, requestId)
        .withHeader("allow", allowed);
  }

  Answer routeNotFound(String method, String path, String requestId) {
    return error(404, "No route " + method + " " + path, "route.not_found", "not_found",
        "the sandbox serves POST and GET /v1/spaces/{id}/runtimes, POST /v1/runtimes/{id}/stop, "
            + "DELETE /v1/runtimes/{id} and GET " + Paths.STATS, requestId);
  }

  Answer runtimeNotFound(String runtimeId, String requestId) {
    return error(404, "Runtime " + runtimeId + " not found", "runtime.not_found", "not_found", null, requestId);
  }

  /** 409 {@code runtime.not_active}: a stop of a runtime that is {@code status} (stopped or failed). */
  Answer notActive(String runtimeId, RuntimeStatus status, String requestId) {
    return error(409, "Runtime " + runtimeId + " is not active (status " + status.wire() + ")", "runtime.not_active",
        "conflict", "only an active runtime can be stopped", requestId);
  }

  /** 409 {@code runtime.not_stopped}: a delete of an active runtime. */
  Answer notStopped(String runtimeId, String requestId) {
    return error(409, "Runtime " + runtimeId + " is active; active runtimes must be stopped first",
        "runtime.not_stopped", "conflict", "POST /v1/runtimes/" + runtimeId + "/stop first", requestId);
  }

  Answer hostUnavailable(String requestId) {
    return error(503, "No runtime host is available right now", "runtime.host_unavailable", "upstream",
        "retry later", requestId);
  }

  Answer internalError(String requestId) {
    return error(500, "Internal server error", "internal.error", "server", null, requestId);
  }

  /** A 502 as a proxy in front of the API sends it: an HTML page. */
  Answer badGateway() {
    return new Answer(502, HTML_502, "text/html", Map.of(), false);
  }
}
