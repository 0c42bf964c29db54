package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ApiKeyRejectedException;
import ai.bctrl.provisioner.ErrorCodes;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.NoListRouteException;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.ProvisionerListener.AttemptEnded;
import ai.bctrl.provisioner.ProvisionerListener.AttemptStarted;
import ai.bctrl.provisioner.ProvisionerListener.RetryScheduled;
import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.TooManyFailuresException;
import ai.bctrl.provisioner.internal.KeyHashSet;
import ai.bctrl.provisioner.internal.client.Reply;
import ai.bctrl.provisioner.internal.engine.TeardownClassifier.Call;
import ai.bctrl.provisioner.internal.engine.TeardownClassifier.CallVerdict;
import ai.bctrl.provisioner.model.BrowserRuntime;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One teardown run (see {@code Provisioner#teardown}) on an {@link Engine}'s shared limits: every
 * stop and delete call takes a slot of the engine's gate and a start from its limiter, a 429
 * pauses every start of the engine, and retries wait the engine's backoff. It stops like a
 * provisioning run ({@link RunControl}): a stop request, 401/403, too many failed calls in a row,
 * a broken input or {@code close()}.
 *
 * <p>Each runtime, top to bottom: without a known id, its key is looked for in one listing of its
 * space per run; then it is stopped (skipped when it is to be deleted and known not to be active)
 * and, unless kept stopped, deleted. A delete answered {@code runtime.not_stopped} stops it again
 * first. Results: {@link Outcome#STOPPED} once it is stopped (the last one when kept stopped),
 * {@link Outcome#DELETED} once deleted or found gone, {@link Outcome#FAILED} when a call cannot
 * succeed, {@link Outcome#UNKNOWN} when its space cannot be listed, {@link Outcome#ABORTED} when
 * the run stopped first (a runtime no call was made for gets no result).
 */
final class Teardown implements Engine.Closing {
  private final Engine engine;
  private final boolean keepStopped;
  private final RunControl control;
  private final Listeners listeners;
  private final Sinks.Empty<Void> ended = Sinks.empty();
  private final Map<String, SharedMono<Listing>> listings = new ConcurrentHashMap<>();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final KeyHashSet keys = new KeyHashSet();

  Teardown(Engine engine, boolean keepStopped) {
    this.engine = engine;
    this.keepStopped = keepStopped;
    this.listeners = engine.listeners;
    this.control = new RunControl(engine.scheduler, engine.listeners);
  }

  /** The run, top to bottom; see {@code Engine.Run#results}, whose shape it has. */
  Flux<ItemResult> results(Flux<ItemResult> runtimes, Publisher<Duration> stop) {
    engine.runs.add(this);
    if (engine.closed()) {                         // close() may have missed this run
      close();
    }
    Disposable stopRequests = Flux.from(stop).subscribe(control::stop, e -> control.stop(Duration.ZERO));
    return runtimes
        .onErrorResume(e -> {
          control.inputFailed(e);
          return Mono.empty();
        })
        .takeUntilOther(control.stopping())
        .flatMap(this::runtime, engine.maxPending, 1)
        .concatWith(control.failure())
        .doFinally(s -> {
          stopRequests.dispose();
          control.dispose();
          engine.runs.remove(this);
          ended.tryEmitEmpty();
        });
  }

  @Override
  public Mono<Void> close() {
    control.fatal(Engine.closedException(), true);
    return ended.asMono();
  }

  /** One runtime: locate it if needed, then stop and delete; ABORTED if the run stops first. */
  private Flux<ItemResult> runtime(ItemResult given) {
    Target t = new Target(given);
    if (!firstOfItsKey(given)) {
      return Flux.just(result(t, Outcome.FAILED, ErrorCodes.DUPLICATE_KEY, "the key \"" + given.key()
          + "\" was given to an earlier runtime of this teardown; it is torn down once")).doOnNext(this::ended);
    }
    return (t.runtimeId != null ? Mono.<ItemResult>empty() : locate(t))
        .flux()
        .switchIfEmpty(Flux.defer(() -> stopThenDelete(t)))
        .onErrorResume(RunControl.Stopped.class, e -> Mono.empty())
        .takeUntilOther(control.abortNow())
        .doOnNext(r -> t.ended |= isLast(r))
        .concatWith(Mono.defer(() -> t.ended ? Mono.empty() : aborted(t)))
        .doOnNext(this::ended);
  }

  private boolean isLast(ItemResult r) {
    return r.outcome() != Outcome.STOPPED || keepStopped;
  }

  private void ended(ItemResult r) {
    if (isLast(r)) {
      engine.stats.ended(r);
    }
    listeners.itemEnded(r);
  }

  private boolean firstOfItsKey(ItemResult r) {
    synchronized (keys) {
      return keys.add(r.key());
    }
  }

  /**
   * No runtime id: look for the key in this run's listing of its space. Empty when found (the target
   * then has the id); else the result: DELETED when not there (nothing to tear down), UNKNOWN when
   * the space cannot be listed.
   */
  private Mono<ItemResult> locate(Target t) {
    String space = t.given.spaceId();
    if (space == null) {
      return Mono.just(result(t, Outcome.FAILED, null, "names neither a runtime id nor a space to look for its key in"));
    }
    if (engine.cfg.noList()) {
      return Mono.just(result(t, Outcome.UNKNOWN, ErrorCodes.UNSETTLED_NO_LIST, "no runtime id is known, and with "
          + "--no-list nothing may look for its key; look for it in space " + space + " by hand"));
    }
    Mono<Listing> listing = listings.computeIfAbsent(space,
        s -> new SharedMono<>(Mono.defer(this::notBefore).then(engine.lister.listAll(s)))).get();
    return control.whileRunning(listing)
        .flatMap(l -> {
          BrowserRuntime r = l.byKey().get(t.given.key());
          if (r == null) {
            return Mono.just(result(t, Outcome.DELETED, null,
                "not found in a listing of space " + space + ": nothing to tear down"));
          }
          t.runtimeId = r.id();
          t.status = r.status();
          return Mono.<ItemResult>empty();
        })
        .onErrorResume(ListingImpossibleException.class,
            e -> Mono.just(result(t, Outcome.UNKNOWN, ErrorCodes.UNSETTLED, e.getMessage())))
        .onErrorResume(ApiKeyRejectedException.class, e -> {
          control.fatal(e, true);
          return Mono.error(new RunControl.Stopped());
        })
        .onErrorResume(NoListRouteException.class, e -> {
          control.fatal(e, false);
          return Mono.error(new RunControl.Stopped());
        });
  }

  /** After a crash, no listing before the provisioner's {@code firstListingNotBefore}. */
  private Mono<Void> notBefore() {
    Instant at = engine.cfg.firstListingNotBefore();
    Duration wait = at == null ? Duration.ZERO : Duration.between(engine.clock.instant(), at);
    return wait.isNegative() || wait.isZero() ? Mono.empty() : Mono.delay(wait, engine.scheduler).then();
  }

  /** Stop (emitting STOPPED), then delete unless kept stopped. */
  private Flux<ItemResult> stopThenDelete(Target t) {
    if (!keepStopped && (t.status == RuntimeStatus.STOPPED || t.status == RuntimeStatus.FAILED)) {
      t.call = Call.DELETE;                        // not active: straight to delete
      return attempts(t).flux();
    }
    t.call = Call.STOP;
    return attempts(t).flatMapMany(r -> r.outcome() == Outcome.STOPPED && !keepStopped
        ? Flux.concat(Mono.just(r), Mono.defer(() -> {
            t.call = Call.DELETE;
            return attempts(t);
          }))
        : Mono.just(r));
  }

  /** Call after call until one decides; a loop, as {@code Engine.Run#attempts}. */
  private Mono<ItemResult> attempts(Target t) {
    return Mono.defer(() -> attempt(t)).repeat().next();
  }

  /** One call: a slot, a start, the call; then decide. Empty when another call is to follow. */
  private Mono<ItemResult> attempt(Target t) {
    return control.whileRunning(engine.gate.acquire())
        .flatMap(permit -> control.waitWhileRunning(start(t))
            .then(Mono.defer(() -> call(t, permit)))
            .doFinally(s -> permit.release()))
        .flatMap(v -> decide(t, v));
  }

  /**
   * A start from the engine's rate limiter. With a rate learned per space ({@code --rate auto}), this
   * is where the target's space ({@code t.given.spaceId()}) picks its limiter, and {@link
   * #runEffects} where an answer tells it.
   */
  private Mono<Void> start(Target t) {
    return engine.limiter.acquire(t.space());
  }

  /** The call; its slot is given back the moment it ends, after its effects on the run. */
  private Mono<CallVerdict> call(Target t, CallGate.Permit permit) {
    if (control.isStopping()) {
      return Mono.error(new RunControl.Stopped());
    }
    Call c = t.call;
    long start = engine.now();
    if (t.firstStart < 0) {
      t.firstStart = start;
    }
    int attempt = ++t.calls;
    int inFlight = engine.stats.callStarted();
    if (listeners.any()) {
      listeners.attemptStarted(new AttemptStarted(t.given.key(), t.given.spaceId(), attempt, inFlight));
    }
    AtomicBoolean done = new AtomicBoolean();
    Runnable end = () -> {
      if (done.compareAndSet(false, true)) {
        t.lastEnd = engine.now();
        engine.stats.callEnded();
        permit.release();
      }
    };
    Mono<Reply> reply = Mono.defer(() -> c == Call.STOP ? engine.api.stop(t.runtimeId) : engine.api.delete(t.runtimeId));
    return reply
        .map(r -> TeardownClassifier.classify(c, r, engine.clock.instant()))
        .onErrorResume(e -> Mono.just(TeardownClassifier.classify(e)))
        .doOnNext(v -> {
          t.lastEnd = engine.now();
          if (listeners.any()) {
            listeners.attemptEnded(new AttemptEnded(t.given.key(), t.given.spaceId(), attempt, v.httpStatus(),
                v.errorCode(), v.cause(), Duration.ofNanos(t.lastEnd - start), result(v)));
          }
          runEffects(t, v, start);
          end.run();
        })
        .doOnCancel(end);
  }

  /** What an answer means for the whole run, applied before its slot is given back. */
  private void runEffects(Target t, CallVerdict v, long start) {
    switch (v.kind()) {
      case DONE, NOT_ACTIVE, GONE, NOT_STOPPED -> consecutiveFailures.set(0);
      case KEY_REJECTED -> control.fatal(new ApiKeyRejectedException("the API rejected the API key ("
          + v.message() + "); check the key and its rights"), true);
      default -> {
        if (v.isApiFailure() && consecutiveFailures.incrementAndGet() >= engine.cfg.maxConsecutiveFailures()) {
          control.fatal(new TooManyFailuresException(engine.cfg.maxConsecutiveFailures()
              + " calls in a row failed with no success between (last: " + v.message()
              + "); the API looks unavailable, try again later"), false);
        }
      }
    }
    if (v.cause() == RetryCause.RATE_LIMITED) {
      t.rateLimited++;
      Duration pause = v.retryAfter() != null ? v.retryAfter() : engine.backoff.ceiling(t.rateLimited);
      engine.limiter.rateLimited(t.space(), start,
          pause.compareTo(engine.cfg.maxRetryAfter()) <= 0 ? pause : null);
      t.pause = pause;
    } else {
      engine.limiter.answered(t.space(), start);
    }
  }

  private Mono<ItemResult> decide(Target t, CallVerdict v) {
    t.last = v;
    Call c = t.call;
    if (v.cause() != RetryCause.RATE_LIMITED) {
      t.counted(c, 1);
    }
    switch (v.kind()) {
      case DONE:
      case NOT_ACTIVE:
        if (c == Call.DELETE) {
          t.status = null;
          return Mono.just(result(t, Outcome.DELETED, null, null));
        }
        t.status = v.kind() == TeardownClassifier.Kind.NOT_ACTIVE && t.status == RuntimeStatus.FAILED
            ? RuntimeStatus.FAILED : RuntimeStatus.STOPPED;
        if (t.restopping) {                        // stopped again after a runtime.not_stopped: delete now
          t.restopping = false;
          t.call = Call.DELETE;
          return Mono.empty();
        }
        return Mono.just(result(t, Outcome.STOPPED, null,
            v.kind() == TeardownClassifier.Kind.NOT_ACTIVE ? "already not active (" + v.errorCode() + ")" : null));
      case GONE:
        t.status = null;
        return Mono.just(result(t, Outcome.DELETED, null, "already gone (" + v.errorCode() + ")"));
      case NOT_STOPPED:
        if (t.counted(c, 0) >= engine.cfg.maxAttempts()) {
          return Mono.just(exhausted(t, v));
        }
        t.restopping = true;                       // someone started it again: stop, then delete
        t.call = Call.STOP;
        return Mono.empty();
      case RETRY:
        return retry(t, v);
      case KEY_REJECTED:
        return Mono.error(new RunControl.Stopped());
      case PERMANENT:
      default:
        return Mono.just(result(t, Outcome.FAILED, v.errorCode(), told(c, v)));
    }
  }

  /** Not processed: back off (a 429: its pause), then empty so that {@link #attempts} calls again. */
  private Mono<ItemResult> retry(Target t, CallVerdict v) {
    if (control.isStopping()) {
      return Mono.error(new RunControl.Stopped());
    }
    Duration maxRetryAfter = engine.cfg.maxRetryAfter();
    if (v.retryAfter() != null && v.retryAfter().compareTo(maxRetryAfter) > 0) {
      return Mono.just(result(t, Outcome.FAILED, v.errorCode(), told(t.call, v)
          + "; Retry-After " + v.retryAfter().toSeconds() + "s is longer than the " + maxRetryAfter.toSeconds()
          + "s the provisioner waits"));
    }
    Duration wait;
    if (v.cause() == RetryCause.RATE_LIMITED) {
      wait = t.pause;
    } else {
      int counted = t.counted(t.call, 0);
      if (counted >= engine.cfg.maxAttempts()) {
        return Mono.just(exhausted(t, v));
      }
      wait = engine.backoff.delay(counted, v.retryAfter());
    }
    engine.stats.retry(v.cause());
    if (listeners.any()) {
      listeners.retryScheduled(new RetryScheduled(t.given.key(), t.given.spaceId(), v.cause(), wait, t.calls + 1));
    }
    return control.waitWhileRunning(Mono.delay(wait, engine.scheduler)).then(Mono.empty());
  }

  private static AttemptEnded.Result result(CallVerdict v) {
    return switch (v.kind()) {
      case DONE, NOT_ACTIVE, GONE -> AttemptEnded.Result.SUCCEEDED;
      case RETRY, NOT_STOPPED -> AttemptEnded.Result.RETRYABLE;
      case KEY_REJECTED -> AttemptEnded.Result.FATAL;
      case PERMANENT -> AttemptEnded.Result.PERMANENT;
    };
  }

  /** {@code "stop answered <the API's message>"}, or {@code "stop failed: <why>"} when no answer came. */
  private static String told(Call c, CallVerdict v) {
    return c.verb + (v.httpStatus() == null ? " failed: " : " answered ") + v.message();
  }

  private ItemResult exhausted(Target t, CallVerdict v) {
    return result(t, Outcome.FAILED, v.errorCode(), told(t.call, v) + " (after "
        + t.counted(t.call, 0) + " " + t.call.verb + " calls)");
  }

  private Mono<ItemResult> aborted(Target t) {
    if (t.calls == 0) {
      return Mono.empty();                         // never touched: no result, as for provision
    }
    CallVerdict v = t.last;
    return Mono.just(result(t, Outcome.ABORTED, null, "the run stopped before this runtime's teardown ended"
        + (t.status == RuntimeStatus.STOPPED && !keepStopped ? "; it is stopped, not deleted" : "")
        + (v == null || v.message() == null ? "" : "; last call: " + v.message())));
  }

  private ItemResult result(Target t, Outcome outcome, String code, String error) {
    CallVerdict v = t.last;
    long latencyMs = t.firstStart < 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(engine.now() - t.firstStart);
    ItemResult g = t.given;
    return new ItemResult(g.key(), g.line(), g.spaceId(), g.name(), outcome, t.runtimeId,
        outcome == Outcome.DELETED ? null : t.status, v == null ? null : v.httpStatus(), code, error, t.calls,
        latencyMs, engine.clock.instant());
  }

  /**
   * One runtime in one teardown run. Touched only by its own pipeline, one step at a time (Reactor's
   * serial signalling orders the accesses); volatile for the hops between threads.
   */
  private static final class Target {
    final ItemResult given;
    volatile String runtimeId;
    /** As last known: from the given result, a listing, or the last call. */
    volatile RuntimeStatus status;
    /** The call the next attempt makes. */
    volatile Call call = Call.STOP;
    /** A delete answered {@code runtime.not_stopped}: stopping again, then deleting. */
    volatile boolean restopping;
    /** Calls made, 429s included (the ledger's {@code attempts}). */
    volatile int calls;
    /** Calls counted against {@code maxAttempts}, per call (429s excluded). */
    private volatile int stops;
    private volatile int deletes;
    volatile int rateLimited;
    volatile long firstStart = -1;
    volatile long lastEnd;
    volatile Duration pause;
    volatile CallVerdict last;
    /** Its last result was emitted. */
    volatile boolean ended;

    Target(ItemResult given) {
      this.given = given;
      this.runtimeId = given.runtimeId();
      this.status = given.status();
    }

    /** The space whose rate its calls count against ({@code ""} when the given result names none). */
    String space() {
      return given.spaceId() == null ? "" : given.spaceId();
    }

    /** Adds {@code n} to the count of {@code call}'s calls and returns it. */
    int counted(Call call, int n) {
      return call == Call.STOP ? (stops += n) : (deletes += n);
    }
  }
}
