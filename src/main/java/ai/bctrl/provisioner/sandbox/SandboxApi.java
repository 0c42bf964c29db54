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
  private final String requestPrefix;
  private final AtomicLong requestSeq = new AtomicLong();
  private final Route statsRoute;
  private final Route create;
  private final Route list;
  private final Route stop;
  private final Route delete;
  private final Route allowGet;
  private final Route allowGetPost;
  private final Route allowPost;
  private final Route allowDelete;
  private final Route notFound;

  SandboxApi(SandboxConfig config, String apiKey, long seed, String requestPrefix, Scheduler timer) {
    JsonMapper json = JsonMapper.builder().build();
    this.settings = new Settings(config, timer);
    this.requestPrefix = requestPrefix;
    Auth auth = new Auth(apiKey);
    Answers answers = new Answers(json);
    Responder responder = new Responder(stats);
    Faults faults = new Faults(settings, detached, stats, answers);
    this.statsRoute = new StatsRoute(this::stats, new StatsJson(json), timer);
    Dice dice = new Dice(seed);
    this.create = new CreateRoute(settings, auth, json, new Idempotency(), dice, detached, faults, store,
        stats, answers, responder);
    this.list = new ListRoute(settings, auth, store, stats, answers, responder);
    this.stop = new StopRoute(settings, auth, dice, faults, store, stats, answers, responder);
    this.delete = new DeleteRoute(settings, auth, dice, faults, store, stats, answers, responder);
    this.allowGet = Fallbacks.methodNotAllowed(answers, responder, "GET");
    this.allowGetPost = Fallbacks.methodNotAllowed(answers, responder,
        () -> settings.config().noList() ? "POST" : "GET, POST");
    this.allowPost = Fallbacks.methodNotAllowed(answers, responder, "POST");
    this.allowDelete = Fallbacks.methodNotAllowed(answers, responder, "DELETE");
    this.notFound = Fallbacks.notFound(answers, responder);
  }

  /** Every route of the sandbox; the first that matches a request answers it. */
  void declare(HttpServerRoutes routes) {
    routes
        .get(Paths.STATS, on(statsRoute))
        .post(Paths.SPACE_RUNTIMES, on(create))
        .get(Paths.SPACE_RUNTIMES, on(list))
        .post(Paths.STOP, on(stop))
        .delete(Paths.RUNTIME, on(delete))
        .route(Paths.anyMethod(Paths.STATS), on(allowGet))
        .route(Paths.anyMethod(Paths.SPACE_RUNTIMES), on(allowGetPost))
        .route(Paths.anyMethod(Paths.STOP), on(allowPost))
        .route(Paths.anyMethod(Paths.RUNTIME), on(allowDelete))
        .route(req -> true, on(notFound));
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
