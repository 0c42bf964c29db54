package ai.bctrl.provisioner.sandbox;

import ai.bctrl.provisioner.sandbox.Dice.CreateDraw;
import ai.bctrl.provisioner.sandbox.RuntimeStore.StoredRuntime;
import ai.bctrl.provisioner.sandbox.SchemaValidator.Problem;
import ai.bctrl.provisioner.sandbox.Settings.Behaviour;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code POST /v1/spaces/{spaceId}/runtimes}. Checks in this order: key (401), space id (400), rate
 * limit (429), body (400), idempotency (replay or 409), then the drawn latency, then the drawn
 * fault, then the quota (402), then the create.
 *
 * <p>A create that has passed the checks runs to its outcome as a real server's does, whether or
 * not its client stays: its latency (and a hold) is timed apart from the request, and when it is
 * over the drawn fault's effect on the server happens (a runtime created, or nothing) and the answer
 * is decided. Only writing that answer depends on the client: if it has gone, the answer is not
 * written (and not counted in {@code requestsByStatus}).
 */
final class CreateRoute implements Route {
  private static final byte[] EMPTY = new byte[0];

  private final Settings settings;
  private final Auth auth;
  private final ObjectMapper json;
  private final SchemaValidator validator;
  private final Idempotency idempotency;
  private final Dice dice;
  private final Detached detached;
  private final Faults faults;
  private final RuntimeStore store;
  private final StatsRecorder stats;
  private final Answers answers;
  private final Responder responder;

  CreateRoute(Settings settings, Auth auth, ObjectMapper json, Idempotency idempotency, Dice dice,
      Detached detached, Faults faults, RuntimeStore store, StatsRecorder stats, Answers answers,
      Responder responder) {
    this.settings = settings;
    this.auth = auth;
    this.json = json;
    this.validator = SchemaValidator.createRuntime(json);
    this.idempotency = idempotency;
    this.dice = dice;
    this.detached = detached;
    this.faults = faults;
    this.store = store;
    this.stats = stats;
    this.answers = answers;
    this.responder = responder;
  }

  @Override
  public boolean readsBody() {
    return true;
  }

  @Override
  public Mono<Void> handle(HttpServerRequest req, HttpServerResponse res, String requestId) {
    Behaviour b = settings.now();
    StatsRecorder.InFlight inFlight = stats.createStarted(b.config().nanoTime(), b.config().clock());
    String space = Paths.param(req, "spaceId");
    return req.receive()
        .aggregate()
        .asByteArray()
        .defaultIfEmpty(EMPTY)
        .flatMap(body -> decide(req, space, requestId, body, b))
        .flatMap(reply -> {
          // out of the in-flight count just before the answer goes out: counted after the write, a
          // client that sends its next request the moment it reads this answer would be seen as one
          // more in flight than it ever had
          inFlight.end();
          return responder.write(res, reply, requestId);
        })
        .doFinally(s -> inFlight.end());
  }

  private Mono<Reply> decide(HttpServerRequest req, String space, String requestId, byte[] raw, Behaviour b) {
    if (!auth.authorised(req)) {
      return sent(answers.unauthorised(requestId));
    }
    if (space.isEmpty()) {
      return sent(answers.invalid(List.of(new Problem("id", "space id must not be empty")), requestId));
    }
    if (b.limit() != null) {
      long wait = b.limit().tryTake();
      if (wait > 0) {
        return sent(answers.rateLimited(b, wait, requestId));
      }
    }
    JsonNode body;
    try {
      if (raw.length == 0) {
        return sent(answers.invalid(List.of(new Problem("$", "a JSON body is required")), requestId));
      }
      body = json.readTree(raw);
    } catch (JacksonException e) {
      return sent(answers.invalid(List.of(new Problem("$", "malformed JSON: " + oneLine(e))), requestId));
    }
    List<Problem> problems = validator.validate(body);
    if (!problems.isEmpty()) {
      return sent(answers.invalid(problems, requestId));
    }
    Idempotency.Entry idem = null;
    String header = b.config().idempotency() ? req.requestHeaders().get("Idempotency-Key") : null;
    if (header != null) {
      Idempotency.Entry fresh = new Idempotency.Entry(space, header, body);
      Idempotency.Entry seen = idempotency.claim(fresh);
      if (seen == null) {
        idem = fresh;
      } else if (!seen.body.equals(body)) {
        return sent(answers.error(409, "Idempotency-Key was already used with a different request",
            "idempotency.conflict", "conflict", "use a new key for a different request", requestId));
      } else if (seen.answer == null) {
        return sent(answers.error(409, "A request with this Idempotency-Key is still being handled",
            "idempotency.in_progress", "conflict", "retry after it has been answered", requestId));
      } else {
        stats.replayed();
        return sent(seen.answer.withHeader("idempotent-replayed", "true"));
      }
    }
    CreateDraw d = dice.create(b.config(), b.faults());
    Idempotency.Entry entry = idem;
    // From here on the create runs to its outcome whether or not the client stays: the outcome is
    // decided apart from this request's subscription, and only writing it is skipped when the
    // client has gone.
    Sinks.One<Reply> outcome = Sinks.one();
    Runnable resolve = () -> faults.resolve(
        Call.CREATE,
        d.fault(),
        () -> create(space, body, d.id(), d.fault() == FaultKind.FAILED, requestId, entry),
        () -> idempotency.release(entry),
        requestId,
        outcome);
    if (d.latencyNanos() == 0) {
      resolve.run();
    } else {
      detached.after(settings.scheduler(), d.latencyNanos(), resolve);
    }
    return outcome.asMono();
  }

  private static Mono<Reply> sent(Answer a) {
    return Mono.just(Reply.send(a));
  }

  /** What a create that gets through does: takes a quota slot (or answers 402) and stores the runtime. */
  private Answer create(String space, JsonNode body, UUID id, boolean failed, String requestId, Idempotency.Entry idem) {
    SandboxConfig c = settings.config();
    Integer max = c.maxActive();
    if (!store.tryReserveActive(max)) {
      idempotency.release(idem);
      return answers.error(402,
          "Concurrent browser quota exceeded: " + store.active() + " of " + max + " runtimes are active",
          "browser.concurrent_quota_exceeded", "capability_limit_exceeded", "stop runtimes or raise the quota",
          requestId);
    }
    if (failed) {
      store.releaseActive();
    }
    String now = Instant.now(c.clock()).truncatedTo(ChronoUnit.MILLIS).toString();
    JsonNode name = body.get("name");
    JsonNode profile = body.get("profile");
    JsonNode metadata = body.get("metadata");
    String sid = id.toString();
    StoredRuntime r = new StoredRuntime(
        store.nextSeq(),
        sid,
        space,
        name != null ? name.stringValue() : "runtime-" + sid.substring(0, 8),
        profile != null ? profile.stringValue() : null,
        metadata == null ? null : metadata.deepCopy(),
        failed ? RuntimeStatus.FAILED : RuntimeStatus.ACTIVE,
        now,
        now,
        failed ? null : activeRunId(id));
    store.add(r);
    stats.created(r.provisionerKey());
    Answer a = answers.json(200, Views.runtime(r)).asApplied();
    if (idem != null) {
      idem.answer = a;
    }
    return a;
  }

  /** A run id derived from the runtime id, so it is as reproducible as the id itself. */
  private static String activeRunId(UUID id) {
    return UUID.nameUUIDFromBytes(("run:" + id).getBytes(StandardCharsets.UTF_8)).toString();
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
