package ai.bctrl.provisioner.sandbox;

import ai.bctrl.provisioner.sandbox.SchemaValidator.Problem;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code GET /v1/spaces/{spaceId}/runtimes}: the space's runtimes in creation order, in pages of
 * {@code pageSize} ({@code ?limit=} overrides), joined by {@code nextCursor} / {@code ?cursor=}.
 * Not rate limited. With {@code noList}, 405 with {@code Allow: POST}, as an API that cannot list.
 */
final class ListRoute implements Route {
  private final Settings settings;
  private final Auth auth;
  private final RuntimeStore store;
  private final StatsRecorder stats;
  private final Answers answers;
  private final Responder responder;

  ListRoute(Settings settings, Auth auth, RuntimeStore store, StatsRecorder stats, Answers answers,
      Responder responder) {
    this.settings = settings;
    this.auth = auth;
    this.store = store;
    this.stats = stats;
    this.answers = answers;
    this.responder = responder;
  }

  @Override
  public Mono<Void> handle(HttpServerRequest req, HttpServerResponse res, String requestId) {
    stats.listed();
    return responder.send(res, list(req, requestId));
  }

  private Answer list(HttpServerRequest req, String requestId) {
    if (settings.config().noList()) {
      return answers.methodNotAllowed("POST",
          "this sandbox runs with --no-list: it cannot list runtimes, as some APIs cannot", requestId);
    }
    if (!auth.authorised(req)) {
      return answers.unauthorised(requestId);
    }
    Map<String, List<String>> params = new QueryStringDecoder(req.uri()).parameters();
    String space = Paths.param(req, "spaceId");
    List<Problem> problems = new ArrayList<>();
    if (space.isEmpty()) {
      problems.add(new Problem("id", "space id must not be empty"));
    }
    int limit = settings.config().pageSize();
    String limitText = first(params, "limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > SandboxConfig.MAX_PAGE_SIZE) {
        problems.add(new Problem("limit", "must be an integer in 1.." + SandboxConfig.MAX_PAGE_SIZE
            + ", got \"" + limitText + "\""));
      }
    }
    long after = 0;
    String cursor = first(params, "cursor");
    if (cursor != null && !cursor.isEmpty()) {
      after = parseCursor(cursor);
      if (after < 0) {
        problems.add(new Problem("cursor", "is not a cursor this sandbox gave out"));
      }
    }
    if (!problems.isEmpty()) {
      return answers.invalid(problems, requestId);
    }
    RuntimeStore.Page page = store.page(space, after, limit);
    return answers.json(200, new Views.Page(
        page.runtimes().stream().map(Views::runtime).toList(),
        page.nextAfter() == null ? null : "c_" + Long.toString(page.nextAfter(), 36)));
  }

  private static long parseCursor(String cursor) {
    if (!cursor.startsWith("c_")) {
      return -1;
    }
    try {
      long v = Long.parseLong(cursor.substring(2), 36);
      return v >= 0 ? v : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String first(Map<String, List<String>> params, String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
