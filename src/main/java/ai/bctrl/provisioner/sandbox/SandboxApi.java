package ai.bctrl.provisioner.sandbox;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sandbox's parts, wired in one place, and its routes, declared in one place ({@link
 * #declare}). Nothing here blocks: delays are timed on the config's scheduler (by default the
 * server's own timer threads). {@link #dispose} cancels every call not yet decided (in its latency
 * or held).
 */
final class SandboxApi {
  private final Settings settings;
  private final RuntimeStore store = new RuntimeStore();
  private final StatsRecorder stats = new StatsRecorder();
  private final Detached detached = new Detached();
  private final JsonMapper json = JsonMapper.builder().build();
  private final Auth auth;
  private final Answers answers = new Answers(json);
  private final Responder responder = new Responder(stats);
  private final Faults faults;
  private final Dice dice;
  private final Scheduler timer;
  private final String requestPrefix;
  private final AtomicLong requestSeq = new AtomicLong();

  SandboxApi(SandboxConfig config, String apiKey, long seed, String requestPrefix, Scheduler timer) {
    this.settings = new Settings(config, timer);
    this.auth = new Auth(apiKey);
    this.faults = new Faults(settings, detached, stats, answers);
    this.dice = new Dice(seed);
    this.timer = timer;
    this.requestPrefix = requestPrefix;
  }

  /** Every route of the sandbox; the first that matches a request answers it. */
  void declare(HttpServerRoutes routes) {
    routes
        .get(Paths.STATS, on(new StatsRoute(this::stats, new StatsJson(json), timer)))
        .post(Paths.SPACE_RUNTIMES, on(new CreateRoute(
            settings, auth, json, new Idempotency(), dice, detached, faults, store, stats, answers, responder)))
        .get(Paths.SPACE_RUNTIMES, on(new ListRoute(settings, auth, store, stats, answers, responder)))
        .post(Paths.STOP, on(new StopRoute(settings, auth, dice, faults, store, stats, answers, responder)))
        .delete(Paths.RUNTIME, on(new DeleteRoute(settings, auth, dice, faults, store, stats, answers, responder)))
        .route(Paths.anyMethod(Paths.STATS), on(Fallbacks.methodNotAllowed(answers, responder, "GET")))
        .route(Paths.anyMethod(Paths.SPACE_RUNTIMES), on(Fallbacks.methodNotAllowed(answers, responder,
            () -> settings.config().noList() ? "POST" : "GET, POST")))
        .route(Paths.anyMethod(Paths.STOP), on(Fallbacks.methodNotAllowed(answers, responder, "POST")))
        .route(Paths.anyMethod(Paths.RUNTIME), on(Fallbacks.methodNotAllowed(answers, responder, "DELETE")))
        .route(req -> true, on(Fallbacks.notFound(answers, responder)));
  }

  /** {@code route}, with a fresh request id set on the response first, and the body read first unless the route reads it. */
  private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> on(Route route) {
    return (req, res) -> {
      String requestId = requestPrefix + Long.toString(requestSeq.incrementAndGet(), 36);
      res.header("x-request-id", requestId);
      return route.readsBody()
          ? route.handle(req, res, requestId)
          : req.receive().then(Mono.defer(() -> Mono.from(route.handle(req, res, requestId))));
    };
  }

  SandboxConfig config() {
    return settings.config();
  }

  void reconfigure(SandboxConfig config) {
    settings.set(config);
  }

  SandboxStats stats() {
    return stats.snapshot(store.total(), store.active());
  }

  RuntimeStore store() {
    return store;
  }

  /** Calls accepted but not yet decided (in their latency or held); for tests. */
  int pending() {
    return detached.size();
  }

  /** Cancels the calls not yet decided: they never happen. */
  void dispose() {
    detached.dispose();
  }
}
