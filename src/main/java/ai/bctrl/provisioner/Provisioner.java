package ai.bctrl.provisioner;

import ai.bctrl.provisioner.internal.client.BctrlClient;
import ai.bctrl.provisioner.internal.engine.Engine;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Provisions bctrl browser runtimes: items in, one {@link ItemResult} per item out, as each ends;
 * at most {@code concurrency} create calls in flight and {@code rate} call starts per second,
 * retrying what is safe to retry, settling what is uncertain by listing the space, and never
 * creating a runtime twice for one key (a later item of a run with a key seen before in it ends
 * {@code failed} with {@link ErrorCodes#DUPLICATE_KEY}).
 *
 * <pre>{@code
 * try (Provisioner p = Provisioner.builder().baseUrl("https://api.bctrl.ai").apiKey(key).build()) {
 *   p.provision(Flux.fromIterable(items)).doOnNext(r -> System.out.println(r.outcome())).blockLast();
 * }
 * }</pre>
 *
 * <p>Everything returned is cold and lazy: nothing is sent until subscription. Calls of every run
 * and every {@link #create} on one provisioner share its concurrency and rate limits. It never
 * calls {@code System.exit}, installs no signal handler and never logs or prints the API key.
 *
 * <p><b>Threads.</b> A provisioner is thread-safe: any number of runs and creates may go at once,
 * from any threads, and share its limits. Results are emitted on the thread that completed the
 * item's last step: usually a Reactor Netty event loop (an answer), sometimes the provisioner's
 * {@linkplain Builder#scheduler scheduler} (a timer) or the thread that fed the item (an adopted
 * or refused item). Never block in {@code doOnNext} or {@code subscribe} on those threads: a
 * blocked event loop stalls every call on its connections. To handle results on threads of your
 * own, set {@link Builder#emitOn(Scheduler)} (for example {@code Schedulers.boundedElastic()}) or
 * add {@code publishOn} yourself. Listeners ({@link Builder#listener}) are called on the same
 * threads and must not block either.
 *
 * <p><b>Backpressure.</b> Items are requested from the input only as fast as they can be worked
 * on, at most a few times {@code concurrency} ahead. A cold input ({@code Flux.fromIterable}, a file
 * read) simply waits. A hot input that cannot wait ({@code Flux.interval}, a message listener)
 * overflows with Reactor's {@code OverflowException} once that read-ahead is full: give it a
 * strategy first, e.g. {@code hot.onBackpressureBuffer(10_000)} (fails past 10,000 waiting items),
 * {@code onBackpressureBuffer(n, dropped -> ..., BufferOverflowStrategy.DROP_OLDEST)} or {@code
 * onBackpressureDrop(...)}.
 *
 * <p><b>Closing.</b> {@link #close()} and {@link #closeAsync()} reject new work, stop every run and
 * create going (calls in flight are cut; each started, unfinished item is emitted {@link
 * Outcome#ABORTED}; then the run errors with {@link ProvisionerClosedException}), and release the
 * connections once they have ended. To let a run finish its calls first, stop it with {@link
 * #provision(Flux, Publisher)}'s {@code stop} and a grace period, and close after it completes.
 */
public final class Provisioner implements AutoCloseable {
  private final ProvisionerConfig config;
  private final BctrlClient client;
  private final Engine engine;

  private final Scheduler emitOn;

  private Provisioner(ProvisionerConfig config, Random random, Scheduler emitOn) {
    this.config = config;
    this.emitOn = emitOn;
    this.client = BctrlClient.create(config.baseUrl(), config.apiKey(), config.concurrency() + Engine.MAX_LISTING_CALLS,
        config.requestTimeout(), config.connectTimeout(), config.userAgent(), config.scheduler());
    this.engine = new Engine(client, config, random);
  }

  /**
   * A builder with the defaults of the CLI: concurrency 8, rate 10 per second, 5 attempts. Only
   * {@code baseUrl} and {@code apiKey} must be set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The settings this provisioner was built with.
   *
   * @return the validated settings (the key masked in its {@code toString})
   */
  public ProvisionerConfig config() {
    return config;
  }

  /**
   * {@link #provision(Flux, Publisher)} that runs until its items end or a fatal error.
   *
   * @param items the items to provision, each key once
   * @return one result per item, in completion order; nothing is sent until it is subscribed
   */
  public Flux<ItemResult> provision(Flux<Item> items) {
    return provision(items, Flux.never());
  }

  /**
   * Provisions {@code items}, emitting each item's result as it ends (in completion order, not
   * input order). Before its first create in a space the run lists that space once (not before
   * {@code firstListingNotBefore}) and emits items already there {@link Outcome#ADOPTED} without
   * creating them. The first item of each space therefore waits for that listing (a round trip
   * per page of the space's runtimes); the wait is not part of its {@code latencyMs}, which counts
   * from its first create call. Items are read from {@code items} only as fast as they can be worked on (at most
   * a few times {@code concurrency} ahead).
   *
   * <p>Stopping: each emission of {@code stop} asks the run to start no more calls and to read no
   * more items; calls in flight get at most that long to end, then they are cut. Every item that
   * had started and had not ended is then emitted {@link Outcome#ABORTED}; items never started get
   * no result; the Flux completes normally. A later emission with a shorter grace (e.g. {@link
   * Duration#ZERO}) cuts it short.
   *
   * <p>Fatal errors: on 401/403 no further call starts and calls in flight are cut; on 402 (quota)
   * or {@code maxConsecutiveFailures} failed attempts in a row no further call starts and calls in
   * flight end. Either way the run emits {@link Outcome#ABORTED} for every started, unfinished item,
   * then errors with an {@link ApiKeyRejectedException}, {@link QuotaExceededException} or {@link
   * TooManyFailuresException} (all {@link ProvisioningStoppedException}).
   *
   * <p>If {@code items} errors (say the manifest breaks off), the run starts no more calls, lets
   * those in flight end, emits {@link Outcome#ABORTED} for started items still waiting, then errors
   * with that same exception.
   *
   * <p>Cancelling the returned Flux cancels the calls in flight (their items get no result) and
   * stops reading {@code items}.
   *
   * @param items the items to provision, each key once (a repeated key ends {@link Outcome#FAILED}
   *     with {@link ErrorCodes#DUPLICATE_KEY}); not {@code null}
   * @param stop each emission a grace period for the calls in flight; {@code Flux.never()} for none;
   *     not {@code null}
   * @return one result per item, in completion order, on the threads the class description names;
   *     nothing is sent until it is subscribed
   * @throws NullPointerException when an argument is {@code null}
   */
  public Flux<ItemResult> provision(Flux<Item> items, Publisher<Duration> stop) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(stop, "stop");
    return emitted(engine.provision(items, stop, true));
  }

  /**
   * Creates one item, with the same retries, settling and shared limits (concurrency, rate, 429
   * pauses) as a run, but without listing its space first. Emits its result, or errors with a
   * {@link ProvisioningStoppedException} when the key is rejected or the quota is reached (that
   * stops this call only, not other calls on this provisioner). Cold; cancelling cancels the call.
   *
   * <p>What it guarantees about the key: while a create, or an item of a run, with the same key
   * is in flight on this provisioner, this one ends {@link Outcome#FAILED} with {@link
   * ErrorCodes#DUPLICATE_KEY} without a call. It keeps no memory of keys once their items end:
   * calling {@code create} again for a key that was created makes a second runtime (no listing
   * comes first). Provision batches with {@link #provision}, which adopts what already exists.
   *
   * @param item the item to create; not {@code null}
   * @return its result; nothing is sent until it is subscribed
   * @throws NullPointerException when {@code item} is {@code null}
   */
  public Mono<ItemResult> create(Item item) {
    Objects.requireNonNull(item, "item");
    Flux<ItemResult> one = engine.provision(Flux.just(item), Flux.never(), false);
    return emitted(one).last();
  }

  /**
   * {@link #teardown(Flux, boolean, Publisher)} that stops and deletes, and runs until its input ends.
   *
   * @param runtimes the runtimes to tear down, as results of a run or records of a ledger
   * @return the results of the teardown, in completion order; nothing is sent until it is subscribed
   */
  public Flux<ItemResult> teardown(Flux<ItemResult> runtimes) {
    return teardown(runtimes, false, Flux.never());
  }

  /**
   * Tears down the runtimes {@code runtimes} name: each is stopped ({@code POST
   * /v1/runtimes/{id}/stop}), then deleted ({@code DELETE /v1/runtimes/{id}}) unless {@code
   * keepStopped}. The input is what {@link #provision} emitted (or a ledger recorded): each result
   * names its runtime by {@link ItemResult#runtimeId()}; one without an id (its create ended {@link
   * Outcome#UNKNOWN} or {@link Outcome#ABORTED}) is looked for by its key in one listing of its
   * space, unless {@code noList}. A runtime whose {@code status} is {@code stopped} or {@code failed}
   * and that is to be deleted is deleted without a stop first.
   *
   * <p>Results, in completion order, for each runtime: {@link Outcome#STOPPED} once it is stopped
   * (followed by {@link Outcome#DELETED} unless {@code keepStopped}: the last result of a runtime
   * is the truth about it), {@link Outcome#DELETED} once it is deleted or found gone ({@code 404
   * runtime.not_found}, or its key is not in its space: then {@code runtimeId} is {@code null}),
   * {@link Outcome#FAILED} when a call cannot succeed (its runtime is still there), {@link
   * Outcome#UNKNOWN} when its space cannot be listed. Both calls are safe to repeat: 429s (with
   * {@code Retry-After}), 5xx, resets and timeouts are retried with the backoff, up to {@code
   * maxAttempts} calls of each kind; {@code 409 runtime.not_active} on a stop means already
   * stopped; {@code 409 runtime.not_stopped} on a delete stops it again first. {@code attempts}
   * counts this teardown's calls for the runtime. {@link ProvisionerListener}s see every call as an
   * attempt and every result as {@code itemEnded}; {@link #stats()} counts the calls, and each
   * runtime's last result.
   *
   * <p>It shares this provisioner's limits with every run and create: its calls take slots of the
   * same {@code concurrency}, starts of the same {@code rate}, and a 429 pauses them all. Cold and
   * lazy as {@link #provision(Flux, Publisher)}, and it stops the same way: {@code stop} emits a
   * grace, then calls in flight are cut and every runtime with a call made and no last result yet is
   * emitted {@link Outcome#ABORTED}; 401/403 or {@code maxConsecutiveFailures} failed calls in a row
   * end it with an error after those; cancelling cancels the calls in flight. A runtime given twice
   * (by key) is torn down once; the later one ends {@link Outcome#FAILED} with {@link
   * ErrorCodes#DUPLICATE_KEY}.
   *
   * @param runtimes the runtimes to tear down, as results of a run or records of a ledger; not
   *     {@code null}
   * @param keepStopped {@code true} to stop the runtimes and keep them, {@code false} to delete them
   * @param stop each emission a grace period for the calls in flight; {@code Flux.never()} for none;
   *     not {@code null}
   * @return the results of the teardown, in completion order; nothing is sent until it is subscribed
   * @throws NullPointerException when {@code runtimes} or {@code stop} is {@code null}
   */
  public Flux<ItemResult> teardown(Flux<ItemResult> runtimes, boolean keepStopped, Publisher<Duration> stop) {
    Objects.requireNonNull(runtimes, "runtimes");
    Objects.requireNonNull(stop, "stop");
    return emitted(engine.teardown(runtimes, stop, keepStopped));
  }

  private Flux<ItemResult> emitted(Flux<ItemResult> results) {
    return emitOn == null ? results : results.publishOn(emitOn);
  }

  /**
   * The counters of every run, create and teardown since this provisioner was built. Cheap (no
   * more than a short lock) and callable from any thread at any time: a progress bar may poll it.
   *
   * @return a new snapshot
   */
  public ProvisionerStats stats() {
    return engine.stats();
  }

  /**
   * Closes without blocking: rejects new runs and creates, stops those going (see the class
   * javadoc), and completes once they have ended and the connections are released. Idempotent.
   *
   * @return a Mono that completes when the provisioner is closed; new work is rejected from the
   *     moment it is subscribed
   */
  public Mono<Void> closeAsync() {
    return Mono.defer(() -> engine.close().then(client.closeAsync()));
  }

  /**
   * Closes: {@link #closeAsync()}, waiting up to 10 s for it, except on a thread where Reactor
   * forbids blocking (a Netty or parallel thread), where it starts the close and returns at once.
   * New runs and creates are rejected from the moment it is called either way.
   */
  @Override
  public void close() {
    Mono<Void> closing = closeAsync();
    if (Schedulers.isInNonBlockingThread()) {
      closing.subscribe(null, e -> { });
    } else {
      closing.block(Duration.ofSeconds(10));
    }
  }

  @Override
  public String toString() {
    return "Provisioner[" + config + "]";
  }

  /** Builds a {@link Provisioner}; {@link #build()} validates with named messages. */
  public static final class Builder {
    private URI baseUrl;
    private String apiKey;
    private int concurrency = 8;
    private double rate = 10;
    private int burst = 1;
    private boolean autoRate;
    private double maxRate;
    private int maxAttempts = 5;
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration settleDelay = Duration.ofSeconds(15);
    private int maxConsecutiveFailures = 50;
    private Instant firstListingNotBefore;
    private Duration backoffBase = Duration.ofMillis(250);
    private Duration backoffCap = Duration.ofSeconds(30);
    private Duration maxRetryAfter = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler = Schedulers.parallel();
    private String userAgent = BctrlClient.defaultUserAgent();
    private Random random = new Random();
    private final List<ProvisionerListener> listeners = new ArrayList<>();
    private Scheduler emitOn;
    private boolean noList;

    private Builder() {}

    /**
     * The API root (required), e.g. {@code https://api.bctrl.ai}.
     *
     * @param baseUrl an {@code http} or {@code https} URL with a host
     * @return this builder
     */
    public Builder baseUrl(URI baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * The API root (required), as text.
     *
     * @param baseUrl an {@code http} or {@code https} URL with a host, e.g. {@code https://api.bctrl.ai}
     * @return this builder
     * @throws IllegalArgumentException when {@code baseUrl} is not a URI
     * @throws NullPointerException when {@code baseUrl} is {@code null}
     */
    public Builder baseUrl(String baseUrl) {
      try {
        return baseUrl(URI.create(Objects.requireNonNull(baseUrl, "baseUrl")));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("baseUrl must be an http or https URL but was \"" + baseUrl + "\"");
      }
    }

    /**
     * The bearer key (required); sent as {@code Authorization: Bearer}, never logged or printed.
     *
     * @param apiKey the key; not blank
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Most create calls in flight at once, shared by every run and create; default 8.
     *
     * @param concurrency {@code >= 1}
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /**
     * A fixed rate: most create calls started per second, every attempt counted; 0 = no limit;
     * default 10. Replaces {@link #autoRate()}.
     *
     * @param rate calls per second, {@code >= 0} and finite; 0 = no limit
     * @return this builder
     */
    public Builder rate(double rate) {
      this.rate = rate;
      this.autoRate = false;
      this.maxRate = 0;
      return this;
    }

    /**
     * A rate learned from the API's answers, per space, instead of a fixed one: it starts modestly,
     * climbs while calls succeed, and cuts at once on a 429 (whose {@code Retry-After} holds that
     * space's calls). Replaces {@link #rate(double)}.
     *
     * @return this builder
     */
    public Builder autoRate() {
      return autoRate(0);
    }

    /**
     * {@link #autoRate()} that never goes above {@code maxRate} per second in any space.
     *
     * @param maxRate calls per second, {@code >= 0} and finite; 0 = no ceiling
     * @return this builder
     */
    public Builder autoRate(double maxRate) {
      this.autoRate = true;
      this.maxRate = maxRate;
      return this;
    }

    /**
     * Token-bucket burst for a fixed rate: how many calls may start at once after a quiet spell;
     * default 1.
     *
     * @param burst {@code >= 1}; must be 1 with {@link #autoRate()}
     * @return this builder
     */
    public Builder burst(int burst) {
      this.burst = burst;
      return this;
    }

    /**
     * Attempts per item, the first included, 429s not counted; default 5.
     *
     * @param maxAttempts {@code >= 1}
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Bound on one whole call (connect, send, wait, read); default 60 s. A create that times out
     * after sending is uncertain and is settled by a listing.
     *
     * @param requestTimeout {@code > 0}
     * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * Bound on making a connection; default 10 s.
     *
     * @param connectTimeout {@code > 0}
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * How long after an uncertain attempt a listing must start to settle it (time for a create the
     * API is still working on to show); default 15 s.
     *
     * @param settleDelay {@code >= 0}
     * @return this builder
     */
    public Builder settleDelay(Duration settleDelay) {
      this.settleDelay = settleDelay;
      return this;
    }

    /**
     * Failed attempts in a row, no success between, that stop the run with {@link
     * TooManyFailuresException}; default 50.
     *
     * @param maxConsecutiveFailures {@code >= 1}
     * @return this builder
     */
    public Builder maxConsecutiveFailures(int maxConsecutiveFailures) {
      this.maxConsecutiveFailures = maxConsecutiveFailures;
      return this;
    }

    /**
     * Crash recovery: the first listing of each space starts no earlier than this; {@code null}
     * (default) for no wait.
     *
     * @param firstListingNotBefore the earliest start of each space's first listing (e.g. a crashed
     *     run's last call plus the settle delay), or {@code null}
     * @return this builder
     */
    public Builder firstListingNotBefore(Instant firstListingNotBefore) {
      this.firstListingNotBefore = firstListingNotBefore;
      return this;
    }

    /**
     * Full-jitter exponential backoff between attempts: retry n waits a uniform random time up to
     * {@code min(cap, base * 2^(n-1))}, and never less than the answer's {@code Retry-After};
     * default 250 ms and 30 s.
     *
     * @param base the first ceiling, {@code >= 0}
     * @param cap the largest ceiling, {@code >= base}
     * @return this builder
     */
    public Builder backoff(Duration base, Duration cap) {
      this.backoffBase = base;
      this.backoffCap = cap;
      return this;
    }

    /**
     * A {@code Retry-After} longer than this fails the item instead of waiting; default 5 min.
     *
     * @param maxRetryAfter {@code >= 0}
     * @return this builder
     */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = maxRetryAfter;
      return this;
    }

    /**
     * Wall clock for {@code finishedAt} and HTTP-date {@code Retry-After}; default the UTC system
     * clock.
     *
     * @param clock the clock (a fixed or virtual one in tests)
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Where waits and timeouts are scheduled (backoff, {@code Retry-After}, rate limit, settle
     * delay, request timeout); default {@code Schedulers.parallel()}.
     *
     * @param scheduler the scheduler (a virtual-time one in tests)
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /**
     * The {@code User-Agent} header of every call; default {@code provisioner/<version>}.
     *
     * @param userAgent the header's value
     * @return this builder
     */
    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    /**
     * The source of backoff jitter; default a new, unseeded {@link Random}. The provisioner draws
     * from it under a lock of its own, from several threads.
     *
     * @param random the source (seeded in tests and benchmarks); not {@code null}
     * @return this builder
     * @throws NullPointerException when {@code random} is {@code null}
     */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Adds a listener, called for every event of every run and create, after those added before
     * it. See {@link ProvisionerListener} for the threads it is called on.
     *
     * @param listener the listener; not {@code null}
     * @return this builder
     * @throws NullPointerException when {@code listener} is {@code null}
     */
    public Builder listener(ProvisionerListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Emits results on {@code scheduler} (through {@code publishOn}) instead of the threads that
     * complete the items (see the class javadoc); {@code null} (default) for no hop.
     *
     * @param scheduler where results are emitted, e.g. {@code Schedulers.boundedElastic()}, or
     *     {@code null}
     * @return this builder
     */
    public Builder emitOn(Scheduler scheduler) {
      this.emitOn = scheduler;
      return this;
    }

    /**
     * For an API that cannot list a space's runtimes: with {@code true}, no space is listed, so
     * nothing already there is adopted and an uncertain create (a lost answer, a timeout after
     * sending, a 5xx after sending) cannot be settled: its item ends {@link Outcome#UNKNOWN} with
     * {@link ErrorCodes#UNSETTLED_NO_LIST} and is never repeated (at most once instead of exactly
     * once). Default {@code false}: a run whose listing is answered 404, 405 or 501 stops with
     * {@link NoListRouteException}.
     *
     * @param noList {@code true} for an API that cannot list
     * @return this builder
     */
    public Builder noList(boolean noList) {
      this.noList = noList;
      return this;
    }

    /**
     * A validated config, without building a provisioner (no connections), e.g. to check settings
     * early or show them.
     *
     * @return the settings so far, with the defaults of those not set
     * @throws NullPointerException naming a required setting that is not set
     * @throws IllegalArgumentException naming the first bad setting and its value
     */
    public ProvisionerConfig config() {
      return new ProvisionerConfig(baseUrl, apiKey, concurrency, rate, burst, autoRate, maxRate, maxAttempts,
          requestTimeout, connectTimeout, settleDelay, maxConsecutiveFailures, firstListingNotBefore, backoffBase,
          backoffCap, maxRetryAfter, clock, scheduler, userAgent, listeners, noList);
    }

    /**
     * Validates and builds. Connections are made lazily, by the first call; the builder may be used
     * again afterwards.
     *
     * @return a new provisioner; close it when done
     * @throws NullPointerException naming a required setting that is not set
     * @throws IllegalArgumentException naming the first bad setting and its value
     */
    public Provisioner build() {
      return new Provisioner(config(), random, emitOn);
    }
  }
}
