package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ErrorCodes;
import ai.bctrl.provisioner.ApiKeyRejectedException;
import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.NoListRouteException;
import ai.bctrl.provisioner.internal.KeyHashSet;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.ProvisionerClosedException;
import ai.bctrl.provisioner.ProvisionerListener.AttemptEnded;
import ai.bctrl.provisioner.ProvisionerListener.AttemptStarted;
import ai.bctrl.provisioner.ProvisionerListener.RetryScheduled;
import ai.bctrl.provisioner.ProvisionerListener.Settled;
import ai.bctrl.provisioner.ProvisionerConfig;
import ai.bctrl.provisioner.ProvisionerStats;
import ai.bctrl.provisioner.QuotaExceededException;
import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.TooManyFailuresException;
import ai.bctrl.provisioner.internal.client.RuntimeApi;
import ai.bctrl.provisioner.internal.client.SendGate;
import ai.bctrl.provisioner.model.BrowserRuntime;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Turns items into create calls: the pipeline of the provisioner. One engine per {@code
 * Provisioner}; its gate (concurrency), limiter (rate, 429 pauses), settle listings and stats are
 * shared by every run and every single create on it.
 */
public final class Engine {
  /**
   * Most listing calls in flight at once, over every run of the engine: listings take no create
   * slot, but the connection pool holds only this many connections beyond the concurrency, so more
   * would make creates queue for a connection (and time out) behind them.
   */
  public static final int MAX_LISTING_CALLS = 4;

  // package-private: a Teardown run shares them (the same limits, not a copy)
  final RuntimeApi api;
  final ProvisionerConfig cfg;
  final Scheduler scheduler;
  final Clock clock;
  final CallGate gate;
  final StartLimiter limiter;
  final Backoff backoff;
  final Lister lister;
  private final SettleListings settleListings;
  final StatsRecorder stats = new StatsRecorder();
  final int maxPending;
  final Listeners listeners;
  /** Runs going, provisioning and teardown, for {@link #close()}. */
  final Set<Closing> runs = ConcurrentHashMap.newKeySet();
  private final Set<String> keysInFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public Engine(RuntimeApi api, ProvisionerConfig cfg, Random random) {
    this(api, cfg, random, cfg.autoRate()
        ? new LearnedRateLimiter(cfg.maxRate(), cfg.scheduler(), new Listeners(cfg.listeners()))
        : new FixedRateLimiter(new TokenBucket(cfg.rate(), cfg.burst(), cfg.scheduler()),
            cfg.rate() == 0 ? null : new TokenBucket(cfg.rate(), cfg.burst(), cfg.scheduler())));
  }

  /** With the given start limiter instead of the one {@code cfg} describes (benchmarks compare them). */
  public Engine(RuntimeApi api, ProvisionerConfig cfg, Random random, StartLimiter limiter) {
    this.api = api;
    this.cfg = cfg;
    this.scheduler = cfg.scheduler();
    this.clock = cfg.clock();
    this.gate = new CallGate(cfg.concurrency());
    this.limiter = limiter;
    this.backoff = new Backoff(cfg.backoffBase(), cfg.backoffCap(), random);
    this.lister = new Lister(api, new CallGate(MAX_LISTING_CALLS), backoff, Math.max(3, cfg.maxAttempts()),
        cfg.maxRetryAfter(), scheduler, clock, stats, cfg.baseUrl().toString());
    this.settleListings = new SettleListings(lister::listAll, scheduler);
    this.maxPending = maxPending(cfg.concurrency());
    this.listeners = new Listeners(cfg.listeners());
  }

  /**
   * How many items a run holds at once (calling, waiting for a slot, backing off or settling): the
   * bound on read-ahead from the input.
   */
  public static int maxPending(int concurrency) {
    return Math.max(64, 4 * concurrency);
  }

  /**
   * How many items a run asks its input for at once, once the first {@link #maxPending(int)} are
   * read: an eighth of them, so that the input's thread wakes once a batch, not once an item.
   */
  static int demandBatch(int maxPending) {
    return Math.max(1, maxPending / 8);
  }

  /** A live snapshot of the counters. */
  public ProvisionerStats stats() {
    return stats.snapshot();
  }

  /**
   * A run: see {@code Provisioner#provision}. With {@code listFirst}, each space is listed once
   * before its first create and items found there are adopted.
   */
  public Flux<ItemResult> provision(Flux<Item> items, Publisher<Duration> stop, boolean listFirst) {
    return Flux.defer(() -> closed ? Flux.error(closedException()) : new Run(listFirst).results(items, stop));
  }

  /**
   * A teardown run: see {@code Provisioner#teardown}. It takes the same slots, starts and 429 pauses
   * as every provisioning run of this engine.
   */
  public Flux<ItemResult> teardown(Flux<ItemResult> runtimes, Publisher<Duration> stop, boolean keepStopped) {
    return Flux.defer(() -> closed ? Flux.error(closedException())
        : new Teardown(this, keepStopped).results(runtimes, stop));
  }

  /** A run that {@link #close()} must stop: it completes once the run has ended. */
  interface Closing {
    Mono<Void> close();
  }

  /**
   * Rejects new runs, stops every run going (calls in flight are cut, started items end {@code
   * ABORTED}, then each run errors with {@link ProvisionerClosedException}); completes when every
   * run has ended. Idempotent.
   */
  public Mono<Void> close() {
    closed = true;
    return Mono.when(runs.stream().map(Closing::close).toList());
  }

  public boolean isClosed() {
    return closed;
  }

  static ProvisionerClosedException closedException() {
    return new ProvisionerClosedException("the provisioner is closed; build a new one to provision more");
  }

  long now() {
    return scheduler.now(TimeUnit.NANOSECONDS);
  }

  boolean closed() {
    return closed;
  }

  /** One run of the pipeline. */
  private final class Run implements Closing {
    private final boolean listFirst;
    private final RunControl control = new RunControl(scheduler, listeners);
    private final Sinks.Empty<Void> ended = Sinks.empty();
    private final Map<String, SharedMono<Listing>> firstListings = new ConcurrentHashMap<>();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final KeyHashSet keys = new KeyHashSet();

    Run(boolean listFirst) {
      this.listFirst = listFirst;
    }

    /** The pipeline, top to bottom. */
    Flux<ItemResult> results(Flux<Item> items, Publisher<Duration> stop) {
      runs.add(this);
      if (closed) {                                    // close() may have missed this run
        close();
      }
      Disposable stopRequests = Flux.from(stop).subscribe(control::stop, e -> control.stop(Duration.ZERO));
      Flux<Item> input = items
          .onErrorResume(e -> {                        // a broken input stops the run like a fatal error
            control.inputFailed(e);
            return Mono.empty();
          })
          .takeUntilOther(control.stopping());         // a stopping run reads no more input
      return new BatchedDemand<>(input, demandBatch(maxPending)) // the input's thread woken once a batch
          .flatMap(this::item, maxPending, 1)          // bounded read-ahead: demand reaches the input
          .concatWith(control.failure())               // a fatal cause ends the run, after the ABORTED records
          .doFinally(s -> {
            stopRequests.dispose();
            control.dispose();
            runs.remove(this);
            ended.tryEmitEmpty();
          });
    }

    /** Stops this run as a close does; completes when it has ended. */
    @Override
    public Mono<Void> close() {
      control.fatal(closedException(), true);
      return ended.asMono();
    }

    /** One item: list its space first, then create (gate, limiter, call), retry or settle. */
    Mono<ItemResult> item(Item item) {
      if (!firstOfItsKey(item)) {
        ItemRun st = new ItemRun(item, null);
        // Two items with one key would both be created: neither listing nor Idempotency-Key tells
        // them apart. The later one is refused, as the manifest refuses a repeated row key.
        return Mono.just(failed(st, ErrorCodes.DUPLICATE_KEY,
                "the key \"" + item.key() + "\" was given to an earlier item of this run; give each item its own key"))
            .doOnNext(this::ended);
      }
      if (!keysInFlight.add(item.key())) {
        // Another run or create() on this provisioner is working on the key right now.
        return Mono.just(failed(new ItemRun(item, null), ErrorCodes.DUPLICATE_KEY, "the key \"" + item.key()
                + "\" is being provisioned by another run or create() on this provisioner; give each item its own key"))
            .doOnNext(this::ended);
      }
      ItemRun st = new ItemRun(item, body(item));
      // The key is given back before the item's end is passed on, not after (doFinally): a run that
      // has ended must leave none of its keys in flight, or a run started at once on the same
      // keys (a resume after a stop) would find one still there and fail it as a duplicate.
      AtomicBoolean released = new AtomicBoolean();
      Runnable release = () -> {
        if (released.compareAndSet(false, true)) {
          keysInFlight.remove(item.key());
        }
      };
      return firstListing(st)
          .switchIfEmpty(Mono.defer(() -> attempts(st)))
          .onErrorResume(RunControl.Stopped.class, e -> aborted(st))
          .takeUntilOther(control.abortNow())
          .switchIfEmpty(Mono.defer(() -> aborted(st)))
          .doOnNext(r -> {
            release.run();
            ended(r);
          })
          .doOnTerminate(release)                      // ended without a result, or failed
          .doFinally(s -> release.run());              // cancelled
    }

    private void ended(ItemResult r) {
      stats.ended(r);
      listeners.itemEnded(r);
    }

    /**
     * The create body, made here, on the thread that reads the items (off the Netty threads), once
     * for all attempts; {@code null} when it cannot be made, so that the call makes it and fails
     * there as before.
     */
    private byte[] body(Item item) {
      try {
        return api.body(item);
      } catch (RuntimeException e) {
        return null;
      }
    }

    /** Whether no earlier item of this run had {@code item}'s key (called in input order). */
    private boolean firstOfItsKey(Item item) {
      synchronized (keys) {
        return keys.add(item.key());
      }
    }

    /** Adopted (or unhealthy) if the run's first listing of the space holds the key; empty to create. */
    private Mono<ItemResult> firstListing(ItemRun st) {
      if (!listFirst || cfg.noList()) {
        return Mono.empty();
      }
      Mono<Listing> listing = firstListings.computeIfAbsent(st.item.spaceId(),
          space -> new SharedMono<>(Mono.defer(this::notBefore).then(lister.listAll(space)))).get();
      return control.whileRunning(listing)
          .flatMap(l -> {
            BrowserRuntime r = l.byKey().get(st.item.key());
            return r == null ? Mono.<ItemResult>empty() : Mono.just(found(st, r));
          })
          .onErrorResume(ListingImpossibleException.class, e -> Mono.just(unknown(st, e)))
          .onErrorResume(ApiKeyRejectedException.class, e -> {
            control.fatal(e, true);
            return Mono.error(new RunControl.Stopped());
          })
          .onErrorResume(NoListRouteException.class, e -> {
            control.fatal(e, false);               // calls in flight elsewhere end and are recorded
            return Mono.error(new RunControl.Stopped());
          });
    }

    private Mono<Void> notBefore() {
      Instant at = cfg.firstListingNotBefore();
      if (at == null) {
        return Mono.empty();
      }
      Duration wait = Duration.between(clock.instant(), at);
      return wait.isNegative() || wait.isZero() ? Mono.empty() : Mono.delay(wait, scheduler).then();
    }

    /**
     * Attempt after attempt until one decides the item. A loop, not recursion: an attempt that
     * calls for another (after its backoff, or after a settle listing that did not find the key)
     * completes empty and the loop goes round, so no number of retries deepens the stack or the
     * chain of operators.
     */
    private Mono<ItemResult> attempts(ItemRun st) {
      return Mono.defer(() -> attempt(st)).repeat().next();
    }

    /**
     * One attempt: a slot, then a start from the limiter, then the call; then decide. Empty when
     * another attempt is to follow.
     */
    private Mono<ItemResult> attempt(ItemRun st) {
      return control.whileRunning(gate.acquire())
          .flatMap(permit -> control.waitWhileRunning(limiter.acquire(st.item.spaceId()))
              .then(Mono.defer(() -> call(st, permit)))
              .doFinally(s -> permit.release()))
          .flatMap(v -> decide(st, v));
    }

    /**
     * The call itself; its slot is given back the moment it ends, before anything is decided. It
     * counts as started only when it passes its send gate, with its connection in hand: a stop
     * before that sends nothing and leaves the item unstarted.
     */
    private Mono<Verdict> call(ItemRun st, CallGate.Permit permit) {
      if (control.isStopping()) {
        return Mono.error(new RunControl.Stopped());
      }
      Call call = new Call(st, permit);
      return api.create(st.item, st.body, call)
          .map(reply -> Classifier.classify(reply, clock.instant()))
          .onErrorResume(e -> e instanceof RunControl.Stopped ? Mono.error(e) : Mono.just(Classifier.classify(e)))
          .doOnNext(v -> {
            st.lastEnd = now();
            if (listeners.any()) {
              listeners.attemptEnded(new AttemptEnded(st.item.key(), st.item.spaceId(), call.attempt, v.httpStatus(),
                  v.errorCode(), v.cause(), Duration.ofNanos(st.lastEnd - call.start), result(v.kind())));
            }
            runEffects(st, v, call.start);
            call.end();
          })
          .doOnError(e -> call.end())
          .doOnCancel(() -> {
            if (st.inCall) {
              st.cutInFlight = true;
            }
            call.end();
          });
    }

    /**
     * One call's start and end. Its send gate, passed with the connection in hand, takes its start
     * from the limiter a second time, at the moment it really goes out ({@link
     * StartLimiter#tryStartNow}): the limiter spaced the attempts, but a connection that was slow to
     * come (opened anew, or a busy machine) would let a late call go out right before a timely one.
     */
    private final class Call implements SendGate {
      private static final int WAITING = 0;
      private static final int STARTED = 1;
      private static final int ENDED = 2;

      private final ItemRun st;
      private final CallGate.Permit permit;
      private final AtomicInteger state = new AtomicInteger(WAITING);
      volatile long start;
      volatile int attempt;

      Call(ItemRun st, CallGate.Permit permit) {
        this.st = st;
        this.permit = permit;
      }

      /**
       * The call goes out now if the limiter lets it (0), else how long to wait; never when the run
       * is stopping or the call has ended already (then nothing is sent and it has not started).
       */
      @Override
      public long tryPass() {
        if (control.isStopping()) {
          throw new RunControl.Stopped();
        }
        long wait = limiter.tryStartNow(st.item.spaceId());
        if (wait > 0) {
          return wait;
        }
        start = now();
        if (!state.compareAndSet(WAITING, STARTED)) {
          throw new RunControl.Stopped(); // cut (timed out, cancelled) on its way to the gate
        }
        if (st.firstStart < 0) {
          st.firstStart = start;
        }
        st.calls++;
        st.inCall = true;
        int inFlight = stats.callStarted();
        attempt = st.calls;
        if (listeners.any()) {
          listeners.attemptStarted(new AttemptStarted(st.item.key(), st.item.spaceId(), attempt, inFlight));
        }
        return 0;
      }

      void end() {
        int was = state.getAndSet(ENDED);
        if (was == STARTED) {
          st.lastEnd = now();
          st.inCall = false;
          stats.callEnded();
        }
        if (was != ENDED) {
          permit.release();
        }
      }
    }

    /**
     * What an answer means for the whole run, applied before its slot is given back, so that no
     * call can start on the strength of a slot that a fatal answer or a 429 pause should stop.
     */
    private void runEffects(ItemRun st, Verdict v, long start) {
      switch (v.kind()) {
        case CREATED, UNHEALTHY -> succeeded();
        case KEY_REJECTED -> control.fatal(new ApiKeyRejectedException("the API rejected the API key ("
            + v.message() + "); check the key and its rights"), true);
        case QUOTA -> control.fatal(new QuotaExceededException("the concurrent runtime quota is reached ("
            + v.errorCode() + ": " + v.message() + "); free runtimes or raise the quota, then run again"), false);
        default -> failedAttempt(v);
      }
      if (v.cause() == RetryCause.RATE_LIMITED) {
        st.rateLimited++;
        Duration pause = v.retryAfter() != null ? v.retryAfter() : backoff.ceiling(st.rateLimited);
        limiter.rateLimited(st.item.spaceId(), start, pause.compareTo(cfg.maxRetryAfter()) <= 0 ? pause : null);
        st.pause = pause;
      } else {
        limiter.answered(st.item.spaceId(), start);
      }
    }

    private Mono<ItemResult> decide(ItemRun st, Verdict v) {
      st.last = v;
      if (v.cause() != RetryCause.RATE_LIMITED) {
        st.counted++;
      }
      switch (v.kind()) {
        case CREATED:
          return Mono.just(result(st, Outcome.CREATED, v.runtime(), null, null));
        case UNHEALTHY:
          return Mono.just(result(st, Outcome.UNHEALTHY, v.runtime(), null, v.message()));
        case PERMANENT:
          return Mono.just(failed(st, v.errorCode(), v.message()));
        case KEY_REJECTED:
        case QUOTA:
          return aborted(st);
        case RETRY:
          return retry(st, v);
        case UNCERTAIN:
        case CONFLICT:
        default:
          return settle(st, v);
      }
    }

    /**
     * Not processed: back off (at least its Retry-After; a 429 pauses every start), then empty so
     * that {@link #attempts} tries again.
     */
    private Mono<ItemResult> retry(ItemRun st, Verdict v) {
      if (control.isStopping()) {
        return aborted(st);
      }
      if (v.retryAfter() != null && v.retryAfter().compareTo(cfg.maxRetryAfter()) > 0) {
        return Mono.just(failed(st, v.errorCode(), v.message() + "; Retry-After " + v.retryAfter().toSeconds()
            + "s is longer than the " + cfg.maxRetryAfter().toSeconds() + "s the provisioner waits"));
      }
      Duration wait;
      if (v.cause() == RetryCause.RATE_LIMITED) {
        wait = st.pause;
      } else {
        if (st.counted >= cfg.maxAttempts()) {
          return Mono.just(exhausted(st, v));
        }
        wait = backoff.delay(st.counted, v.retryAfter());
      }
      stats.retry(v.cause());
      if (listeners.any()) {
        listeners.retryScheduled(new RetryScheduled(st.item.key(), st.item.spaceId(),
            v.cause() == null ? RetryCause.OTHER : v.cause(), wait, st.calls + 1));
      }
      return control.waitWhileRunning(Mono.delay(wait, scheduler)).then(Mono.empty());
    }

    /**
     * Uncertain: wait (holding no slot) until {@code settleDelay} after the attempt ended, then look
     * for the key in a listing that started no earlier. Found: adopted. Not found: empty, so that
     * {@link #attempts} tries again. Listing impossible: unknown, never a blind second create.
     */
    private Mono<ItemResult> settle(ItemRun st, Verdict v) {
      if (cfg.noList()) {
        return Mono.just(unknownNoList(st));       // nothing may check: never repeated
      }
      if (control.isStopping()) {
        return aborted(st);
      }
      long due = st.lastEnd + cfg.settleDelay().toNanos();
      stats.settle();
      return control.waitWhileRunning(Mono.delay(Duration.ofNanos(Math.max(0, due - now())), scheduler))
          .then(control.whileRunning(settleListings.startedNoEarlierThan(st.item.spaceId(), due)))
          .flatMap(listing -> {
            BrowserRuntime r = listing.byKey().get(st.item.key());
            listeners.settled(new Settled(st.item.key(), st.item.spaceId(), r != null));
            if (r != null) {
              succeeded();
              return Mono.just(found(st, r));
            }
            if (st.counted >= cfg.maxAttempts()) {
              return Mono.just(exhausted(st, v));
            }
            if (control.isStopping()) {
              return aborted(st);
            }
            stats.retry(v.cause());
            if (listeners.any()) {
              listeners.retryScheduled(new RetryScheduled(st.item.key(), st.item.spaceId(),
                  v.cause() == null ? RetryCause.OTHER : v.cause(), Duration.ZERO, st.calls + 1));
            }
            return Mono.<ItemResult>empty();
          })
          .onErrorResume(ListingImpossibleException.class, e -> Mono.just(unknown(st, e)))
          .onErrorResume(ApiKeyRejectedException.class, e -> {
            control.fatal(e, true);
            return aborted(st);
          })
          .onErrorResume(NoListRouteException.class, e -> {
            control.fatal(e, false);
            return aborted(st);
          });
    }

    private AttemptEnded.Result result(Verdict.Kind kind) {
      return switch (kind) {
        case CREATED, UNHEALTHY -> AttemptEnded.Result.SUCCEEDED;
        case RETRY -> AttemptEnded.Result.RETRYABLE;
        case PERMANENT -> AttemptEnded.Result.PERMANENT;
        case KEY_REJECTED, QUOTA -> AttemptEnded.Result.FATAL;
        default -> AttemptEnded.Result.UNCERTAIN;
      };
    }

    private void succeeded() {
      consecutiveFailures.set(0);
    }

    private void failedAttempt(Verdict v) {
      if (v.isApiFailure() && consecutiveFailures.incrementAndGet() >= cfg.maxConsecutiveFailures()) {
        control.fatal(new TooManyFailuresException(cfg.maxConsecutiveFailures()
            + " attempts in a row failed with no success between (last: " + v.message()
            + "); the API looks unavailable, try again later"), false);
      }
    }

    private ItemResult found(ItemRun st, BrowserRuntime r) {
      boolean unhealthy = r.status() == RuntimeStatus.FAILED || r.status() == RuntimeStatus.STOPPED;
      return result(st, unhealthy ? Outcome.UNHEALTHY : Outcome.ADOPTED, r, null,
          unhealthy ? "found on the server with status " + r.status() : null);
    }

    private ItemResult exhausted(ItemRun st, Verdict v) {
      return failed(st, v.errorCode(), v.message() + " (after " + st.counted + " attempts)");
    }

    private ItemResult failed(ItemRun st, String code, String message) {
      return result(st, Outcome.FAILED, null, code, message);
    }

    private ItemResult unknown(ItemRun st, Throwable listingError) {
      Verdict v = st.last;
      return result(st, Outcome.UNKNOWN, null, ErrorCodes.UNSETTLED, listingError.getMessage()
          + (v == null ? "" : "; last attempt: " + v.message()));
    }

    private ItemResult unknownNoList(ItemRun st) {
      Verdict v = st.last;
      return result(st, Outcome.UNKNOWN, null, ErrorCodes.UNSETTLED_NO_LIST,
          "the create may or may not have reached the API" + (v == null || v.message() == null ? ""
              : " (last attempt: " + v.message() + ")")
              + "; with --no-list nothing can check, so it is not repeated: look for it in the space by hand");
    }

    private Mono<ItemResult> aborted(ItemRun st) {
      if (!st.started()) {
        return Mono.empty();
      }
      Verdict v = st.last;
      if (cfg.noList() && (st.inCall || st.cutInFlight || v != null && (v.kind() == Verdict.Kind.UNCERTAIN
          || v.kind() == Verdict.Kind.CONFLICT))) {
        return Mono.just(unknownNoList(st));       // a cut or uncertain call cannot be retried blind
      }
      return Mono.just(result(st, Outcome.ABORTED, null, null,
          "the run stopped before this item ended" + (v == null || v.message() == null ? "" : "; last attempt: "
              + v.message())));
    }

    private ItemResult result(ItemRun st, Outcome outcome, BrowserRuntime r, String code, String error) {
      Verdict v = st.last;
      long latencyMs = st.firstStart < 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(now() - st.firstStart);
      String name = r != null && r.name() != null ? r.name() : st.item.name();
      return new ItemResult(st.item.key(), st.item.line(), st.item.spaceId(), name, outcome,
          r == null ? null : r.id(), r == null ? null : r.status(), v == null ? null : v.httpStatus(), code, error,
          st.calls, latencyMs, clock.instant());
    }
  }
}
