package ai.bctrl.provisioner.sandbox;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A simulated bctrl API on 127.0.0.1: {@code POST} and {@code GET /v1/spaces/{id}/runtimes}, {@code
 * POST /v1/runtimes/{id}/stop} and {@code DELETE /v1/runtimes/{id}} with Bearer auth, strict
 * validation against the schema file kept beside this class, latency, a rate limit, injected
 * faults, a quota and optional idempotency, all as {@link SandboxConfig} says; and
 * {@code GET /__sandbox/stats} (no auth: it binds loopback only and holds no secret) serving {@link
 * #stats()} as JSON.
 *
 * <p>{@link #start} binds at once and returns a running server; {@link #close} stops it. The server
 * runs on its own event-loop and timer threads and never blocks them.
 *
 * <pre>{@code
 * try (SandboxServer sandbox = SandboxServer.start(SandboxConfig.builder().port(0).seed(42L).build())) {
 *   // point a Provisioner at sandbox.baseUrl() with sandbox.apiKey(), run, then check
 *   assert sandbox.stats().duplicates() == 0;
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Every method may be called from any thread, while requests are being served;
 * only {@link #start} and {@link #close} block (briefly), so call them from a test or {@code main}
 * thread, not from an event loop.
 */
public final class SandboxServer implements AutoCloseable {

  private final DisposableServer server;
  private final LoopResources loops;
  private final Scheduler timer;
  private final SandboxApi api;
  private final String apiKey;
  private final long seed;
  private final URI baseUrl;

  private SandboxServer(
      DisposableServer server,
      LoopResources loops,
      Scheduler timer,
      SandboxApi api,
      String apiKey,
      long seed) {
    this.server = server;
    this.loops = loops;
    this.timer = timer;
    this.api = api;
    this.apiKey = apiKey;
    this.seed = seed;
    this.baseUrl = URI.create("http://127.0.0.1:" + server.port());
  }

  /**
   * Binds 127.0.0.1 on the config's port (0 = any free port) and serves until {@link #close}. The
   * key and the seed, when the config leaves them {@code null}, are chosen here at random.
   *
   * @param config the behaviour, not {@code null}
   * @return the running server, ready for requests
   * @throws IllegalStateException with a one-line message when the port cannot be bound
   */
  public static SandboxServer start(SandboxConfig config) {
    Objects.requireNonNull(config, "config");
    SecureRandom secure = new SecureRandom();
    long seed = config.seed() != null ? config.seed() : secure.nextLong();
    String key = config.apiKey() != null ? config.apiKey() : "sbx_" + hex(secure, 16);
    String requestPrefix = "req_" + hex(secure, 4) + "_";
    int workers = Math.max(2, java.lang.Runtime.getRuntime().availableProcessors());
    Scheduler timer = Schedulers.newParallel("sandbox-timer", workers, true);
    SandboxApi api = new SandboxApi(config, key, seed, requestPrefix, timer);
    LoopResources loops = LoopResources.create("sandbox", 1, workers, true);
    try {
      DisposableServer server =
          HttpServer.create()
              .runOn(loops)
              .host("127.0.0.1")
              .port(config.port())
              .route(api::declare)
              .bindNow(Duration.ofSeconds(10));
      return new SandboxServer(server, loops, timer, api, key, seed);
    } catch (RuntimeException e) {
      loops.dispose();
      timer.dispose();
      api.dispose();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "sandbox cannot listen on 127.0.0.1:" + config.port() + ": " + cause.getMessage()
              + "; choose another --port (0 = any free port)",
          e);
    }
  }

  /**
   * The API root to give a client, e.g. {@link ai.bctrl.provisioner.Provisioner.Builder#baseUrl(URI)}.
   *
   * @return {@code http://127.0.0.1:<port>}, without a trailing slash
   */
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * The Bearer key the server accepts; any other is answered 401.
   *
   * @return the configured key, or the random one chosen at start
   */
  public String apiKey() {
    return apiKey;
  }

  /**
   * The seed of the server's random choices; give it to {@link SandboxConfig.Builder#seed} to replay
   * them.
   *
   * @return the configured seed, or the random one chosen at start
   */
  public long seed() {
    return seed;
  }

  /**
   * The port the server listens on.
   *
   * @return the bound port: the configured one, or the one chosen when the config said 0
   */
  public int port() {
    return server.port();
  }

  /**
   * The behaviour in force.
   *
   * @return the config given to {@link #start}, or the last one given to {@link #reconfigure}
   */
  public SandboxConfig config() {
    return api.config();
  }

  /**
   * Changes the behaviour from the next request on (latency, rate and its schedule, faults, hold,
   * quota, idempotency, no-list, page size, clock, scheduler) and keeps everything created. The new
   * config's port, key and seed are ignored: the server keeps its socket, key and random sequence. A
   * new rate limit starts with a full bucket; its schedule still counts from the server's start.
   * A create already waiting out its latency keeps the latency and fault it drew.
   *
   * @param config the new behaviour, not {@code null} (usually {@code config().toBuilder()...build()})
   */
  public void reconfigure(SandboxConfig config) {
    api.reconfigure(Objects.requireNonNull(config, "config"));
  }

  /**
   * What the server received and did since it started: counts per status, per key, per fault, and
   * the runtimes that exist.
   *
   * @return a new, immutable snapshot; later requests do not change it
   */
  public SandboxStats stats() {
    return api.stats();
  }

  /**
   * Deletes one runtime whatever its status (freeing its quota slot if it was active), as if by
   * someone else; false when there is none. Not a delete call: the stats do not count it.
   *
   * @param spaceId the runtime's space
   * @param runtimeId the runtime's id
   * @return whether a runtime was removed
   */
  public boolean deleteRuntime(String spaceId, String runtimeId) {
    return api.store().remove(spaceId, runtimeId);
  }

  /**
   * Marks every active runtime {@code stopped}, freeing the whole quota, as if someone else had
   * stopped them (for a test that needs the quota back). Not stop calls: the stats do not count
   * them.
   */
  public void stopAll() {
    api.store().stopAll(
        Instant.now(api.config().clock()).truncatedTo(ChronoUnit.MILLIS).toString());
  }

  /**
   * What to print at start: URL, key, seed, behaviour and curl examples. It shows the sandbox's
   * own key, which guards nothing but this local simulation.
   *
   * @return several lines, separated by the platform's line separator, without a final one
   */
  public String banner() {
    SandboxConfig c = api.config();
    String url = baseUrl.toString();
    return String.join(
        System.lineSeparator(),
        "bctrl sandbox listening on " + url,
        "  API key:  " + apiKey,
        "  seed:     " + seed + "   (replay the same random choices with --seed " + seed + ")",
        "  behaviour: " + describe(c),
        "  create:   curl -s -X POST " + url + "/v1/spaces/demo/runtimes -H 'Authorization: Bearer " + apiKey
            + "' -H 'Content-Type: application/json' -d '{\"type\":\"browser\",\"name\":\"hello\"}'",
        "  list:     curl -s " + url + "/v1/spaces/demo/runtimes -H 'Authorization: Bearer " + apiKey + "'",
        "  stop:     curl -s -X POST " + url + "/v1/runtimes/<id>/stop -H 'Authorization: Bearer " + apiKey + "'",
        "  delete:   curl -s -X DELETE " + url + "/v1/runtimes/<id> -H 'Authorization: Bearer " + apiKey + "'",
        "  stats:    curl -s " + url + Paths.STATS);
  }

  static String describe(SandboxConfig c) {
    Map<FaultKind, Double> f = c.effectiveFaults();
    return "latency " + fmt(c.latencyMin()) + ".." + fmt(c.latencyMax())
        + ", " + (c.rate() > 0 || !c.rateSchedule().isEmpty()
            ? "rate " + c.rate() + "/s" + (c.rateSchedule().isEmpty() ? "" : " then " + c.rateSchedule().stream()
                .map(SandboxConfig.RateStep::toString).collect(Collectors.joining(","))) + " burst " + c.burst()
            : "no rate limit")
        + ", " + (f.isEmpty() ? "no faults"
            : "faults " + f.entrySet().stream().map(e -> e.getKey().wire() + "=" + e.getValue())
                .collect(Collectors.joining(",")) + " (hold " + fmt(c.hold()) + ")")
        + ", " + (c.maxActive() == null ? "no quota" : "max active " + c.maxActive())
        + ", idempotency " + (c.idempotency() ? "on" : "off")
        + (c.noList() ? ", no list route" : "");
  }

  private static String fmt(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0 || ms == 0) {
      return ms + "ms";
    }
    return ms / 1000 + "s";
  }

  private static String hex(SecureRandom r, int bytes) {
    byte[] b = new byte[bytes];
    r.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Calls accepted but not yet decided (creates in their latency, calls held); for tests. */
  int pendingCreates() {
    return api.pending();
  }

  /** Stops serving, cancels creates still in their latency or held, and releases the server's threads. */
  @Override
  public void close() {
    api.dispose();
    server.disposeNow(Duration.ofSeconds(5));
    loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    timer.dispose();
  }
}
