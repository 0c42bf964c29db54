package ai.bctrl.provisioner.sandbox;

import ai.bctrl.provisioner.sandbox.RuntimeStore.StoredRuntime;
import ai.bctrl.provisioner.sandbox.SchemaValidator.Problem;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.util.context.Context;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers the sandbox's routes. Order of checks for a create: auth (401), space id (400), rate
 * limit (429), body (400), idempotency (replay or 409), then the drawn latency, then the drawn
 * fault, then the quota (402), then the create. Nothing here blocks: delays are timed on the
 * config's scheduler (by default the server's own timer threads).
 *
 * <p>A create that has passed the checks runs to its outcome as a real server's does, whether or
 * not its client stays: its latency (and a hold) is scheduled apart from the request, and when it
 * is over the drawn fault's effect on the server happens (a runtime created, or nothing) and the
 * answer to send is decided. Only writing that answer depends on the client: if it has gone, the
 * answer is not written (and not counted in {@code requestsByStatus}). {@link #dispose} cancels
 * every create not yet decided.
 */
final class SandboxHandler
    implements BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

  static final String STATS_PATH = "/__sandbox/stats";
  private static final String CREATE_END = "sandbox.createEnd";
  private static final String PREFIX = "/v1/spaces/";
  private static final String SUFFIX = "/runtimes";
  private static final String JSON_TYPE = "application/json";
  private static final byte[] EMPTY = new byte[0];
  private static final String HTML_502 =
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
          + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

  /** The settings in force and the rate limiter made for them; swapped whole by reconfigure. */
  record Behaviour(SandboxConfig config, TokenBucket bucket) {
    static Behaviour of(SandboxConfig c) {
      return new Behaviour(c, c.rate() > 0 ? new TokenBucket(c.rate(), c.burst(), c.nanoTime()) : null);
    }
  }

  /** An answer ready to send. */
  record Answer(int status, byte[] body, String contentType, long retryAfter, boolean created) {
    static Answer json(int status, byte[] body) {
      return new Answer(status, body, JSON_TYPE, 0, false);
    }
  }

  /** How an outcome reaches the client. */
  enum Delivery {
    /** Write the answer. */
    SEND,
    /** Drop the connection with a reset; the answer, if any, is never sent. */
    DROP,
    /** Send the answer's head and half its body, then close. */
    TRUNCATE
  }

  /** What an accepted create came to, decided apart from its connection, and how to deliver it. */
  record CreateOutcome(Answer answer, Delivery delivery) {
    static CreateOutcome send(Answer a) {
      return new CreateOutcome(a, Delivery.SEND);
    }
  }

  /** What a repeated Idempotency-Key finds: the first body, and the answer once a runtime exists. */
  static final class IdemEntry {
    final String key;
    final JsonNode body;
    /** Set when the request created a runtime; an entry whose request created nothing is removed. */
    volatile Answer answer;

    IdemEntry(String key, JsonNode body) {
      this.key = key;
      this.body = body;
    }
  }

  private record Draw(FaultKind fault, long latencyNanos, UUID id) {}

  private final JsonMapper json;
  private final SchemaValidator validator;
  private final RuntimeStore store = new RuntimeStore();
  private final StatsRecorder stats = new StatsRecorder();
  private final byte[] expectedAuth;
  private final AtomicReference<Behaviour> behaviour;
  private final SplittableRandom rng;
  private final String requestPrefix;
  private final AtomicLong requestSeq = new AtomicLong();
  private final ConcurrentHashMap<String, IdemEntry> idempotency = new ConcurrentHashMap<>();
  private final Disposable.Composite pending = Disposables.composite();
  private final Scheduler timer;

  SandboxHandler(SandboxConfig config, String apiKey, long seed, String requestPrefix, Scheduler timer) {
    this.timer = timer;
    this.json = JsonMapper.builder().build();
    this.validator = SchemaValidator.createRuntime(json);
    this.expectedAuth = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    this.behaviour = new AtomicReference<>(Behaviour.of(config));
    this.rng = new SplittableRandom(seed);
    this.requestPrefix = requestPrefix;
  }

  void reconfigure(SandboxConfig config) {
    behaviour.set(Behaviour.of(config));
  }

  SandboxConfig config() {
    return behaviour.get().config();
  }

  SandboxStats stats() {
    return stats.snapshot(store.total(), store.active());
  }

  RuntimeStore store() {
    return store;
  }

  private Scheduler scheduler(SandboxConfig c) {
    return c.scheduler() != null ? c.scheduler() : timer;
  }

  /** Cancels the creates not yet decided (in their latency or held): they never happen. */
  void dispose() {
    pending.dispose();
  }

  @Override
  public Publisher<Void> apply(HttpServerRequest req, HttpServerResponse res) {
    String requestId = requestPrefix + Long.toString(requestSeq.incrementAndGet(), 36);
    res.header("x-request-id", requestId);
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    String path = uri.path();
    HttpMethod method = req.method();
    if (path.equals(STATS_PATH)) {
      if (!method.equals(HttpMethod.GET)) {
        return send(res, methodNotAllowed(requestId, "GET"));
      }
      boolean starts = !"false".equals(first(uri.parameters(), "createStartNanos"));
      // rendering a long run's start times takes a while: not on the event loop
      return Mono.fromCallable(() -> statsJson(starts))
          .subscribeOn(timer)
          .flatMap(bytes -> sendUncounted(res, Answer.json(200, bytes)));
    }
    if (path.startsWith(PREFIX) && path.endsWith(SUFFIX) && path.length() >= PREFIX.length() + SUFFIX.length()) {
      String space = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
      if (space.indexOf('/') < 0) {
        if (method.equals(HttpMethod.POST)) {
          return create(req, res, space, requestId);
        }
        if (method.equals(HttpMethod.GET)) {
          stats.listed();
          return send(res, list(req, space, uri.parameters(), requestId));
        }
        return send(res, methodNotAllowed(requestId, "GET, POST"));
      }
    }
    return send(
        res,
        error(404, "No route " + method + " " + path, "route.not_found", "not_found", null,
            "the sandbox serves POST and GET /v1/spaces/{id}/runtimes and GET " + STATS_PATH, requestId));
  }

  // ---------------------------------------------------------------- create

  private Mono<Void> create(HttpServerRequest req, HttpServerResponse res, String space, String requestId) {
    Behaviour b = behaviour.get();
    stats.createStarted(b.config().nanoTime().getAsLong());
    AtomicBoolean ended = new AtomicBoolean();
    Runnable end = () -> {
      if (ended.compareAndSet(false, true)) {
        stats.createEnded();
      }
    };
    return req.receive()
        .aggregate()
        .asByteArray()
        .defaultIfEmpty(EMPTY)
        .flatMap(body -> decide(req, res, space, requestId, body, b))
        .doFinally(s -> end.run())
        .contextWrite(Context.of(CREATE_END, end));
  }

  /**
   * Ends the create's in-flight count just before its answer (or reset) goes out: counted after
   * the write, a client that sends its next request the moment it reads the answer would be seen
   * as one more in flight than it ever had.
   */
  private static Mono<Void> endingCreate(Mono<Void> answer) {
    return Mono.deferContextual(ctx -> {
      ctx.<Runnable>getOrEmpty(CREATE_END).ifPresent(Runnable::run);
      return answer;
    });
  }

  private Mono<Void> decide(
      HttpServerRequest req, HttpServerResponse res, String space, String requestId, byte[] raw, Behaviour b) {
    if (!authorised(req)) {
      return send(res, unauthorised(requestId));
    }
    if (space.isEmpty()) {
      return send(res, invalid(List.of(new Problem("id", "space id must not be empty")), requestId));
    }
    if (b.bucket() != null) {
      long wait = b.bucket().tryTake();
      if (wait > 0) {
        long seconds = TokenBucket.retryAfterSeconds(wait);
        return send(res, rateLimited(
            "Rate limit exceeded: at most " + num(b.config().rate()) + " creates per second (burst "
                + b.config().burst() + ")", seconds, requestId));
      }
    }
    JsonNode body;
    try {
      if (raw.length == 0) {
        return send(res, invalid(List.of(new Problem("$", "a JSON body is required")), requestId));
      }
      body = json.readTree(raw);
    } catch (JacksonException e) {
      return send(res, invalid(List.of(new Problem("$", "malformed JSON: " + oneLine(e))), requestId));
    }
    List<Problem> problems = validator.validate(body);
    if (!problems.isEmpty()) {
      return send(res, invalid(problems, requestId));
    }
    SandboxConfig c = b.config();
    IdemEntry idem = null;
    String header = c.idempotency() ? req.requestHeaders().get("Idempotency-Key") : null;
    // keys are scoped to their space, as the request they name is
    String idemKey = header == null ? null : space + "\n" + header;
    if (idemKey != null) {
      IdemEntry fresh = new IdemEntry(idemKey, body);
      IdemEntry seen = idempotency.putIfAbsent(idemKey, fresh);
      if (seen == null) {
        idem = fresh;
      } else if (!seen.body.equals(body)) {
        return send(res, error(409, "Idempotency-Key was already used with a different request",
            "idempotency.conflict", "conflict", null, "use a new key for a different request", requestId));
      } else if (seen.answer == null) {
        return send(res, error(409, "A request with this Idempotency-Key is still being handled",
            "idempotency.in_progress", "conflict", null, "retry after it has been answered", requestId));
      } else {
        stats.replayed();
        res.header("idempotent-replayed", "true");
        return send(res, seen.answer);
      }
    }
    Draw d = draw(c);
    IdemEntry entry = idem;
    // From here on the create runs to its outcome whether or not the client stays, as a real
    // server's does once it has accepted a request: the outcome is decided on the scheduler, apart
    // from this request's subscription, and only writing it is skipped when the client has gone.
    Sinks.One<CreateOutcome> outcome = Sinks.one();
    Runnable resolve = () -> resolve(space, body, requestId, d, entry, outcome);
    if (d.latencyNanos() == 0) {
      resolve.run();
    } else {
      later(scheduler(c), d.latencyNanos(), resolve);
    }
    return outcome.asMono().flatMap(o -> respond(res, o, requestId));
  }

  /**
   * Runs {@code task} after {@code nanos} on {@code on}, apart from any request, and keeps it in
   * {@link #pending} until it runs, so that {@link #dispose} cancels it. After dispose nothing is
   * scheduled any more.
   */
  private void later(Scheduler on, long nanos, Runnable task) {
    Disposable.Swap slot = Disposables.swap();
    if (!pending.add(slot)) {
      return;
    }
    slot.update(on.schedule(
        () -> {
          pending.remove(slot);
          task.run();
        },
        nanos, TimeUnit.NANOSECONDS));
  }

  /** Creates not yet decided (in their latency or held); for tests. */
  int pendingCreates() {
    return pending.size();
  }
  private Draw draw(SandboxConfig c) {
    long min = c.latencyMin().toNanos();
    long max = c.latencyMax().toNanos();
    double u;
    long latency;
    long hi;
    long lo;
    synchronized (rng) {
      u = rng.nextDouble();
      latency = max > min ? min + rng.nextLong(max - min + 1) : min;
      hi = rng.nextLong();
      lo = rng.nextLong();
    }
    FaultKind fault = null;
    double acc = 0;
    for (Map.Entry<FaultKind, Double> e : c.effectiveFaults().entrySet()) {
      acc += e.getValue();
      if (u < acc) {
        fault = e.getKey();
        break;
      }
    }
    UUID id = new UUID((hi & ~0xF000L) | 0x4000L, (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    return new Draw(fault, latency, id);
  }

  /**
   * The outcome phase: what the drawn fault does on the server side (count it, create or not,
   * free an idempotency key that created nothing), and then what to send. Runs once per accepted
   * create, on a scheduler thread or inline, never waiting on the client.
   */
  private void resolve(
      String space, JsonNode body, String requestId, Draw d, IdemEntry idem, Sinks.One<CreateOutcome> out) {
    try {
      if (d.fault() == FaultKind.HOLD) {
        stats.fault(FaultKind.HOLD);
        SandboxConfig c = config();
        later(scheduler(c), c.hold().toNanos(), () -> emit(out, () ->
            CreateOutcome.send(createRuntime(space, body, d.id(), false, requestId, idem))));
        return;
      }
      emit(out, () -> outcome(space, body, requestId, d, idem));
    } catch (RuntimeException e) {
      out.tryEmitError(e);
    }
  }

  private static void emit(Sinks.One<CreateOutcome> out, java.util.function.Supplier<CreateOutcome> outcome) {
    try {
      // with the client gone nobody subscribes any more; the value is then simply not delivered
      out.tryEmitValue(outcome.get());
    } catch (RuntimeException e) {
      out.tryEmitError(e);
    }
  }

  private CreateOutcome outcome(String space, JsonNode body, String requestId, Draw d, IdemEntry idem) {
    FaultKind f = d.fault();
    if (f == null) {
      return CreateOutcome.send(createRuntime(space, body, d.id(), false, requestId, idem));
    }
    switch (f) {
      case HTTP_503 -> {
        stats.fault(f);
        release(idem);
        return CreateOutcome.send(error(503, "No runtime host is available right now", "runtime.host_unavailable",
            "upstream", null, "retry later", requestId));
      }
      case HTTP_500 -> {
        stats.fault(f);
        release(idem);
        return CreateOutcome.send(error(500, "Internal server error", "internal.error", "server", null, null, requestId));
      }
      case HTTP_502 -> {
        stats.fault(f);
        release(idem);
        return CreateOutcome.send(new Answer(502, HTML_502.getBytes(StandardCharsets.UTF_8), "text/html", 0, false));
      }
      case HTTP_429 -> {
        stats.fault(f);
        release(idem);
        return CreateOutcome.send(rateLimited("Rate limit exceeded", 1, requestId));
      }
      case RESET_BEFORE -> {
        stats.fault(f);
        release(idem);
        return new CreateOutcome(null, Delivery.DROP);
      }
      case FAILED -> {
        Answer a = createRuntime(space, body, d.id(), true, requestId, idem);
        if (a.created()) {
          stats.fault(f);
        }
        return CreateOutcome.send(a);
      }
      case RESET_AFTER -> {
        Answer a = createRuntime(space, body, d.id(), false, requestId, idem);
        if (!a.created()) {
          return CreateOutcome.send(a);
        }
        stats.fault(f);
        return new CreateOutcome(a, Delivery.DROP);
      }
      case TRUNCATE -> {
        Answer a = createRuntime(space, body, d.id(), false, requestId, idem);
        if (!a.created()) {
          return CreateOutcome.send(a);
        }
        stats.fault(f);
        return new CreateOutcome(a, Delivery.TRUNCATE);
      }
      default -> throw new IllegalStateException("unhandled fault " + f);
    }
  }

  /** The respond phase: writes the outcome, if the client is still there to subscribe to it. */
  private Mono<Void> respond(HttpServerResponse res, CreateOutcome o, String requestId) {
    return switch (o.delivery()) {
      case SEND -> send(res, o.answer());
      case DROP -> drop(res);
      case TRUNCATE -> truncate(res, o.answer(), requestId);
    };
  }

  private Answer createRuntime(
      String space, JsonNode body, UUID id, boolean failed, String requestId, IdemEntry idem) {
    SandboxConfig c = config();
    Integer max = c.maxActive();
    boolean reserved = store.tryReserveActive(max);
    if (!reserved) {
      release(idem);
      return error(402,
          "Concurrent browser quota exceeded: " + store.active() + " of " + max + " runtimes are active",
          "browser.concurrent_quota_exceeded", "capability_limit_exceeded", null,
          "stop runtimes or raise the quota", requestId);
    }
    if (failed) {
      store.releaseActive();
    }
    String now = Instant.now(c.clock()).truncatedTo(ChronoUnit.MILLIS).toString();
    JsonNode name = body.get("name");
    JsonNode profile = body.get("profile");
    JsonNode metadata = body.get("metadata");
    String sid = id.toString();
    StoredRuntime r =
        new StoredRuntime(
            store.nextSeq(),
            sid,
            space,
            name != null ? name.stringValue() : "runtime-" + sid.substring(0, 8),
            profile != null ? profile.stringValue() : null,
            metadata == null ? null : metadata.deepCopy(),
            failed ? "failed" : "active",
            now,
            now,
            failed ? null : activeRunId(id));
    store.add(r);
    stats.created(r.provisionerKey());
    Answer a = new Answer(200, json.writeValueAsBytes(render(r)), JSON_TYPE, 0, true);
    if (idem != null) {
      idem.answer = a;
    }
    return a;
  }

  /** A run id derived from the runtime id, so it is as reproducible as the id itself. */
  private static String activeRunId(UUID id) {
    return UUID.nameUUIDFromBytes(("run:" + id).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private void release(IdemEntry idem) {
    if (idem != null) {
      idempotency.remove(idem.key, idem);
    }
  }

  ObjectNode render(StoredRuntime r) {
    boolean up = "active".equals(r.status());
    ObjectNode n = json.createObjectNode();
    n.put("id", r.id());
    n.put("name", r.name());
    n.put("spaceId", r.spaceId());
    n.put("status", r.status());
    n.put("kind", "browser");
    n.put("type", "browser");
    ObjectNode backing = n.putObject("backing");
    if (r.profile() != null) {
      backing.put("kind", "profile");
      backing.put("profile", r.profile());
    } else {
      backing.put("kind", "ephemeral");
    }
    ObjectNode conns = n.putObject("connections");
    for (String k : List.of("cdp", "cua", "http", "mcp", "rdp", "vnc")) {
      conns.putObject(k).put("available", up && !k.equals("rdp"));
    }
    ArrayNode caps = n.putArray("capabilities");
    if (up) {
      caps.add("cdp").add("cua").add("http").add("mcp").add("vnc");
    }
    n.put("region", "sandbox-local-1");
    n.put("createdAt", r.createdAt());
    n.put("updatedAt", r.updatedAt());
    if (r.metadata() == null) {
      n.putNull("metadata");
    } else {
      n.set("metadata", r.metadata());
    }
    if (r.activeRunId() == null) {
      n.putNull("activeRunId");
    } else {
      n.put("activeRunId", r.activeRunId());
    }
    ObjectNode summary = n.putObject("summary");
    summary.put("browserRunning", up);
    summary.putNull("currentDriver");
    summary.putNull("defaultContextId");
    summary.putNull("defaultPageId");
    summary.putNull("storageSpace");
    return n;
  }

  // ---------------------------------------------------------------- list

  private Answer list(HttpServerRequest req, String space, Map<String, List<String>> params, String requestId) {
    if (!authorised(req)) {
      return unauthorised(requestId);
    }
    List<Problem> problems = new java.util.ArrayList<>();
    if (space.isEmpty()) {
      problems.add(new Problem("id", "space id must not be empty"));
    }
    int limit = config().pageSize();
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
      return invalid(problems, requestId);
    }
    RuntimeStore.Page page = store.page(space, after, limit);
    ObjectNode out = json.createObjectNode();
    ArrayNode data = out.putArray("data");
    for (StoredRuntime r : page.runtimes()) {
      data.add(render(r));
    }
    if (page.nextAfter() == null) {
      out.putNull("nextCursor");
    } else {
      out.put("nextCursor", "c_" + Long.toString(page.nextAfter(), 36));
    }
    return Answer.json(200, json.writeValueAsBytes(out));
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

  private static String first(Map<String, List<String>> params, String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  // ---------------------------------------------------------------- stats

  /** The stats as JSON; {@code withStarts} false leaves {@code createStartNanos} out. */
  byte[] statsJson(boolean withStarts) {
    SandboxStats s = stats();
    ObjectNode n = json.createObjectNode();
    ObjectNode keys = n.putObject("createsByKey");
    new java.util.TreeMap<>(s.createsByKey()).forEach(keys::put);
    ObjectNode statuses = n.putObject("requestsByStatus");
    new java.util.TreeMap<>(s.requestsByStatus()).forEach((k, v) -> statuses.put(Integer.toString(k), v));
    ObjectNode faults = n.putObject("faults");
    for (FaultKind k : FaultKind.values()) {
      faults.put(k.wire(), s.faults(k));
    }
    n.put("maxInFlight", s.maxInFlight());
    n.put("inFlight", s.inFlight());
    n.put("createRequests", s.createRequests());
    n.put("listRequests", s.listRequests());
    n.put("runtimes", s.runtimes());
    n.put("activeRuntimes", s.activeRuntimes());
    n.put("idempotentReplays", s.idempotentReplays());
    n.put("duplicates", s.duplicates());
    if (withStarts) {
      ArrayNode starts = n.putArray("createStartNanos");
      s.createStartNanos().forEach(starts::add);
    }
    return json.writeValueAsBytes(n);
  }

  // ---------------------------------------------------------------- answers

  private boolean authorised(HttpServerRequest req) {
    String h = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
    return h != null && MessageDigest.isEqual(h.getBytes(StandardCharsets.UTF_8), expectedAuth);
  }

  private Answer unauthorised(String requestId) {
    return error(401, "Missing or invalid API key", "auth.unauthorized", "unauthorized", null,
        "send Authorization: Bearer <key>; the sandbox prints its key when it starts", requestId);
  }

  private Answer invalid(List<Problem> problems, String requestId) {
    ArrayNode details = json.createArrayNode();
    for (Problem p : problems) {
      details.addObject().put("path", p.path()).put("message", p.message());
    }
    Problem first = problems.get(0);
    String summary = problems.size() == 1
        ? "Invalid request: " + first.path() + " " + first.message()
        : "Invalid request: " + problems.size() + " problems, first " + first.path() + " " + first.message();
    return error(400, summary, "request.invalid", "invalid_input", details, null, requestId);
  }

  private Answer rateLimited(String message, long retryAfterSeconds, String requestId) {
    Answer a = error(429, message, "rate_limited", "rate_limited", null,
        "retry after " + retryAfterSeconds + " s", requestId);
    return new Answer(429, a.body(), JSON_TYPE, retryAfterSeconds, false);
  }

  private Answer methodNotAllowed(String requestId, String allowed) {
    return error(405, "Method not allowed; allowed: " + allowed, "request.method_not_allowed",
        "invalid_input", null, null, requestId);
  }

  private Answer error(int status, String message, String code, String reasonClass, JsonNode details,
      String hint, String requestId) {
    ObjectNode n = json.createObjectNode();
    n.put("error", message);
    n.put("code", code);
    n.put("reasonClass", reasonClass);
    if (details != null) {
      n.set("details", details);
    }
    if (hint != null) {
      n.put("hint", hint);
    }
    n.put("requestId", requestId);
    return Answer.json(status, json.writeValueAsBytes(n));
  }

  private Mono<Void> send(HttpServerResponse res, Answer a) {
    stats.answered(a.status());
    return endingCreate(sendUncounted(res, a));
  }

  private static Mono<Void> sendUncounted(HttpServerResponse res, Answer a) {
    res.status(a.status()).header(HttpHeaderNames.CONTENT_TYPE, a.contentType());
    if (a.retryAfter() > 0) {
      res.header(HttpHeaderNames.RETRY_AFTER, Long.toString(a.retryAfter()));
    }
    return res.sendObject(Unpooled.wrappedBuffer(a.body())).then();
  }

  /** Drops the connection with a TCP reset and never answers. */
  private Mono<Void> drop(HttpServerResponse res) {
    stats.answered(0);
    return endingCreate(Mono.create(sink -> res.withConnection(conn -> {
      Channel ch = conn.channel();
      ch.config().setOption(ChannelOption.SO_LINGER, 0);
      ch.close().addListener(f -> sink.success());
    })));
  }

  /**
   * Writes the 200's head with the full Content-Length but only half the body, then closes. The
   * bytes go straight to the socket (below the HTTP codec), so nothing can fix the length up.
   */
  private Mono<Void> truncate(HttpServerResponse res, Answer a, String requestId) {
    stats.answered(200);
    byte[] body = a.body();
    String head = "HTTP/1.1 200 OK\r\ncontent-type: " + a.contentType() + "\r\ncontent-length: " + body.length
        + "\r\nx-request-id: " + requestId + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    return endingCreate(Mono.create(sink -> res.withConnection(conn -> {
      Channel ch = conn.channel();
      ChannelHandlerContext codec = ch.pipeline().context(NettyPipeline.HttpCodec);
      ChannelHandlerContext target = codec != null ? codec : ch.pipeline().firstContext();
      target.writeAndFlush(Unpooled.wrappedBuffer(headBytes, java.util.Arrays.copyOf(body, body.length / 2)))
          .addListener(f -> ch.close().addListener(g -> sink.success()));
    })));
  }

  private static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static String oneLine(JacksonException e) {
    String m = e.getOriginalMessage();
    if (m == null) {
      m = e.getClass().getSimpleName();
    }
    // Jackson quotes the offending token; it may be a secret written without quotes, so hide it
    m = m.replaceAll("'[^']*'", "'...'").replaceAll("\\s+", " ").trim();
    if (e.getLocation() != null) {
      m = m + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
    return m.length() > 300 ? m.substring(0, 297) + "..." : m;
  }
}
