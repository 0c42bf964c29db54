package ai.bctrl.provisioner.sandbox;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code GET /__sandbox/stats}: {@link SandboxStats} as JSON, without auth (the sandbox binds
 * loopback only and the stats hold no secret), and not itself counted. {@code
 * ?createStartNanos=false} leaves the start times out.
 */
final class StatsRoute implements Route {
  private final Supplier<SandboxStats> stats;
  private final StatsJson json;
  private final Scheduler renderOn;

  /** {@code renderOn}: where to render, off the event loop (a long run's start times take a while). */
  StatsRoute(Supplier<SandboxStats> stats, StatsJson json, Scheduler renderOn) {
    this.stats = stats;
    this.json = json;
    this.renderOn = renderOn;
  }

  @Override
  public Mono<Void> handle(HttpServerRequest req, HttpServerResponse res, String requestId) {
    boolean starts = !"false".equals(
        ListRoute.first(new QueryStringDecoder(req.uri()).parameters(), "createStartNanos"));
    return Mono.fromCallable(() -> json.render(stats.get(), starts))
        .subscribeOn(renderOn)
        .flatMap(bytes -> Responder.sendUncounted(res, Answer.json(200, bytes)));
  }
}
