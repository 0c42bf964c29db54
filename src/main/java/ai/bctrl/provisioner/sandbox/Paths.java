package ai.bctrl.provisioner.sandbox;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import reactor.netty.http.server.HttpServerRequest;

/** The sandbox's paths, as Reactor Netty route templates, and the little that reads them. */
final class Paths {
  static final String STATS = "/__sandbox/stats";
  static final String SPACE_RUNTIMES = "/v1/spaces/{spaceId}/runtimes";
  static final String RUNTIME = "/v1/runtimes/{runtimeId}";
  static final String STOP = "/v1/runtimes/{runtimeId}/stop";

  private Paths() {}

  /** The path parameter {@code name}, percent-decoded. */
  static String param(HttpServerRequest req, String name) {
    String raw = req.param(name);
    return raw == null ? "" : new QueryStringDecoder(raw).path();
  }

  /** The request's path without its query, percent-decoded. */
  static String path(HttpServerRequest req) {
    return new QueryStringDecoder(req.uri()).path();
  }

  /** Requests to {@code template} by any method (a template's {@code {name}} is one path segment). */
  static Predicate<HttpServerRequest> anyMethod(String template) {
    Pattern p = Pattern.compile(
        "^" + Pattern.quote(template).replaceAll("\\{[^/}]+}", "\\\\E[^/]*\\\\Q") + "$");
    return req -> p.matcher(new QueryStringDecoder(req.uri()).rawPath()).matches();
  }
}
