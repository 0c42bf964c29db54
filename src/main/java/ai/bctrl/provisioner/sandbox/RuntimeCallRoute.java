package ai.bctrl.provisioner.sandbox;

import ai.bctrl.provisioner.sandbox.Settings.Behaviour;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A call on one runtime by its id (stop, delete). Checks in this order: key (401), rate limit (429,
 * the bucket creates use too), then the drawn fault, then the runtime's state (404, 409), then the
 * change. No latency is drawn. A {@code failed} draw is no fault for these calls (there is no
 * runtime to answer as failed): the call goes through and the fault is not counted. Like a create,
 * a call that has passed its checks runs to its outcome whether or not its client stays.
 */
abstract class RuntimeCallRoute implements Route {
  private final Settings settings;
  private final Auth auth;
  private final Dice dice;
  private final Faults faults;
  final StatsRecorder stats;
  final Answers answers;
  private final Responder responder;

  RuntimeCallRoute(Settings settings, Auth auth, Dice dice, Faults faults, StatsRecorder stats, Answers answers,
      Responder responder) {
    this.settings = settings;
    this.auth = auth;
    this.dice = dice;
    this.faults = faults;
    this.stats = stats;
    this.answers = answers;
    this.responder = responder;
  }

  /** Which call this is. */
  abstract Call call();

  /** Counts a request received. */
  abstract void received();

  /** The call's effect on runtime {@code id}; its answer is marked applied when it changed it. */
  abstract Answer apply(String runtimeId, String now, String requestId);

  @Override
  public final Mono<Void> handle(HttpServerRequest req, HttpServerResponse res, String requestId) {
    received();
    String id = Paths.param(req, "runtimeId");
    return decide(req, id, requestId).flatMap(reply -> responder.write(res, reply, requestId));
  }

  private Mono<Reply> decide(HttpServerRequest req, String id, String requestId) {
    Behaviour b = settings.now();
    if (!auth.authorised(req)) {
      return Mono.just(Reply.send(answers.unauthorised(requestId)));
    }
    if (b.limit() != null) {
      long wait = b.limit().tryTake();
      if (wait > 0) {
        return Mono.just(Reply.send(answers.rateLimited(b, wait, requestId)));
      }
    }
    FaultKind fault = dice.fault(b.faults());
    Sinks.One<Reply> out = Sinks.one();
    faults.resolve(call(), fault == FaultKind.FAILED ? null : fault,
        () -> apply(id, Instant.now(settings.config().clock()).truncatedTo(ChronoUnit.MILLIS).toString(), requestId),
        () -> {}, requestId, out);
    return out.asMono();
  }
}
