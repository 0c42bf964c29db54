package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ApiKeyRejectedException;
import ai.bctrl.provisioner.ErrorCodes;
import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.ProvisionerListener;
import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.TooManyFailuresException;
import ai.bctrl.provisioner.internal.client.ListPage;
import ai.bctrl.provisioner.internal.client.Reply;
import ai.bctrl.provisioner.internal.client.RuntimeApi;
import ai.bctrl.provisioner.internal.client.TransportException;
import ai.bctrl.provisioner.internal.engine.TeardownClassifier.Call;
import ai.bctrl.provisioner.internal.engine.TeardownClassifier.Kind;
import ai.bctrl.provisioner.model.ApiError;
import ai.bctrl.provisioner.model.BrowserRuntime;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The teardown flow on virtual time against an in-memory API. */
class TeardownTest {
  private static final Instant T0 = Instant.parse("2026-12-01T01:00:00Z");
  private static final Duration LATENCY = Duration.ofMillis(50);

  private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  private final Api api = new Api();

  /** Runtimes by id with their status; stop and delete act as the real API does, unless told otherwise. */
  final class Api implements RuntimeApi {
    final Map<String, BrowserRuntime> runtimes = new ConcurrentHashMap<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    /** Answers instead of the real behaviour, by call ("stop rt_a") and its number (1-based); null = real. */
    volatile BiFunction<String, Integer, Mono<Reply>> override = (call, n) -> null;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    void add(String id, String key, RuntimeStatus status) {
      runtimes.put(id, new BrowserRuntime(id, null, "sp", status, "browser", "browser", null, null, null, null,
          Map.of("provisionerKey", key)));
    }

    @Override
    public Mono<Reply> create(Item item) {
      return call("create " + item.key(), () -> {
        add("rt_" + item.key(), item.key(), RuntimeStatus.ACTIVE);
        return new Reply(201, runtimes.get("rt_" + item.key()), null, "req", null);
      });
    }

    @Override
    public Mono<ListPage> listPage(String spaceId, String cursor) {
      return Mono.delay(LATENCY, vts).map(x -> new ListPage(List.copyOf(runtimes.values()), null));
    }

    @Override
    public Mono<Reply> stop(String id) {
      return call("stop " + id, () -> {
        BrowserRuntime r = runtimes.get(id);
        if (r == null) {
          return error(404, "runtime.not_found", null);
        }
        if (r.status() != RuntimeStatus.ACTIVE) {
          return error(409, "runtime.not_active", null);
        }
        runtimes.put(id, with(r, RuntimeStatus.STOPPED));
        return new Reply(200, null, null, "req", null);
      });
    }

    @Override
    public Mono<Reply> delete(String id) {
      return call("delete " + id, () -> {
        BrowserRuntime r = runtimes.get(id);
        if (r == null) {
          return error(404, "runtime.not_found", null);
        }
        if (r.status() == RuntimeStatus.ACTIVE) {
          return error(409, "runtime.not_stopped", null);
        }
        runtimes.remove(id);
        return new Reply(200, null, null, "req", null);
      });
    }

    private Mono<Reply> call(String call, java.util.function.Supplier<Reply> real) {
      return Mono.defer(() -> {
        calls.add(call);
        int n = counts.computeIfAbsent(call, c -> new AtomicInteger()).incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Mono<Reply> o = override.apply(call, n);
        Mono<Reply> answer = o != null ? o : Mono.delay(LATENCY, vts).map(x -> real.get());
        AtomicBoolean done = new AtomicBoolean();
        Runnable end = () -> {
          if (done.compareAndSet(false, true)) {
            inFlight.decrementAndGet();
          }
        };
        return answer.doOnTerminate(end).doOnCancel(end);
      });
    }

    long count(String prefix) {
      return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }
  }

  static Reply error(int status, String code, String retryAfter) {
    return new Reply(status, null, code == null ? null : new ApiError("failed: " + code, code, null, null, null, "rq"),
        "rq", retryAfter);
  }

  static BrowserRuntime with(BrowserRuntime r, RuntimeStatus s) {
    return new BrowserRuntime(r.id(), r.name(), r.spaceId(), s, r.kind(), r.type(), r.region(), r.createdAt(),
        r.updatedAt(), r.capabilities(), r.metadata());
  }

  Mono<Reply> after(Duration d, Reply r) {
    return Mono.delay(d, vts).map(x -> r);
  }

  private Provisioner.Builder settings() {
    return Provisioner.builder().baseUrl("http://127.0.0.1:9").apiKey("secret-key").scheduler(vts)
        .clock(new VirtualClock(vts, T0)).rate(0).concurrency(4).maxAttempts(3)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
  }

  private Engine engine(Provisioner.Builder b) {
    return new Engine(api, b.config(), new Random(1));
  }

  /** A ledger's last record of a key with a runtime. */
  static ItemResult record(String key, String runtimeId, Outcome outcome, RuntimeStatus status) {
    return new ItemResult(key, 3, "sp", "name-" + key, outcome, runtimeId, status, 201, null, null, 1, 10, T0);
  }

  static ItemResult created(String key) {
    return record(key, "rt_" + key, Outcome.CREATED, RuntimeStatus.ACTIVE);
  }

  /** A subscribed teardown on virtual time. */
  final class Run {
    final List<ItemResult> results = Collections.synchronizedList(new ArrayList<>());
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final AtomicBoolean completed = new AtomicBoolean();
    final Disposable subscription;

    Run(Flux<ItemResult> flux) {
      subscription = flux.subscribe(results::add, error::set, () -> completed.set(true));
    }

    Run advance(Duration d) {
      vts.advanceTimeBy(d);
      return this;
    }

    List<Outcome> of(String key) {
      return results.stream().filter(r -> r.key().equals(key)).map(ItemResult::outcome).toList();
    }

    ItemResult last(String key) {
      return results.stream().filter(r -> r.key().equals(key)).reduce((a, b) -> b).orElseThrow();
    }
  }

  Run teardown(Engine e, boolean keepStopped, ItemResult... given) {
    return teardown(e, keepStopped, Flux.never(), given);
  }

  Run teardown(Engine e, boolean keepStopped, Publisher<Duration> stop, ItemResult... given) {
    return new Run(e.teardown(Flux.just(given), stop, keepStopped));
  }

  // ---- the classification -------------------------------------------------------------------

  @Test
  void aNotFoundCountsAsGoneOnlyWithItsCodeAndAConflictOnlyWithTheCodeOfItsCall() {
    Instant now = T0;
    assertThat(TeardownClassifier.classify(Call.STOP, new Reply(200, null, null, null, null), now).kind())
        .isEqualTo(Kind.DONE);
    assertThat(TeardownClassifier.classify(Call.STOP, error(404, "runtime.not_found", null), now).kind())
        .isEqualTo(Kind.GONE);
    assertThat(TeardownClassifier.classify(Call.DELETE, error(404, "runtime.not_found", null), now).kind())
        .isEqualTo(Kind.GONE);
    assertThat(TeardownClassifier.classify(Call.DELETE, error(404, "route.not_found", null), now).kind())
        .isEqualTo(Kind.PERMANENT);
    assertThat(TeardownClassifier.classify(Call.DELETE, error(404, null, null), now).kind())
        .isEqualTo(Kind.PERMANENT);
    assertThat(TeardownClassifier.classify(Call.STOP, error(409, "runtime.not_active", null), now).kind())
        .isEqualTo(Kind.NOT_ACTIVE);
    assertThat(TeardownClassifier.classify(Call.DELETE, error(409, "runtime.not_active", null), now).kind())
        .isEqualTo(Kind.PERMANENT);
    assertThat(TeardownClassifier.classify(Call.DELETE, error(409, "runtime.not_stopped", null), now).kind())
        .isEqualTo(Kind.NOT_STOPPED);
    assertThat(TeardownClassifier.classify(Call.STOP, error(403, null, null), now).kind()).isEqualTo(Kind.KEY_REJECTED);
    assertThat(TeardownClassifier.classify(Call.STOP, error(402, "x", null), now).kind()).isEqualTo(Kind.PERMANENT);
    assertThat(TeardownClassifier.classify(Call.STOP, error(429, "rate_limited", "7"), now))
        .satisfies(v -> {
          assertThat(v.kind()).isEqualTo(Kind.RETRY);
          assertThat(v.cause()).isEqualTo(RetryCause.RATE_LIMITED);
          assertThat(v.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        });
    for (int s : new int[] {500, 502, 503, 504}) {
      assertThat(TeardownClassifier.classify(Call.DELETE, error(s, null, null), now).cause())
          .isEqualTo(RetryCause.SERVER_5XX);
    }
    assertThat(TeardownClassifier.classify(new TransportException(TransportException.Kind.RESET, true, "cut", null)))
        .satisfies(v -> {
          assertThat(v.kind()).as("safe to repeat, even after sending").isEqualTo(Kind.RETRY);
          assertThat(v.errorCode()).isEqualTo(ErrorCodes.CONNECTION_RESET);
        });
  }

  // ---- the flow -------------------------------------------------------------------------------

  @Test
  void stopsThenDeletesRecordingStoppedThenDeleted() {
    api.add("rt_a", "a", RuntimeStatus.ACTIVE);
    Run r = teardown(engine(settings()), false, created("a")).advance(Duration.ofSeconds(1));

    assertThat(r.completed).isTrue();
    assertThat(r.of("a")).containsExactly(Outcome.STOPPED, Outcome.DELETED);
    assertThat(r.results.get(0).status()).isEqualTo(RuntimeStatus.STOPPED);
    assertThat(r.last("a")).satisfies(x -> {
      assertThat(x.runtimeId()).isEqualTo("rt_a");
      assertThat(x.status()).isNull();
      assertThat(x.attempts()).isEqualTo(2);
      assertThat(x.line()).isEqualTo(3);
      assertThat(x.name()).isEqualTo("name-a");
      assertThat(x.latencyMs()).isEqualTo(100);
    });
    assertThat(api.calls).containsExactly("stop rt_a", "delete rt_a");
    assertThat(api.runtimes).isEmpty();
  }

  @Test
  void keptStoppedEndsStoppedAndNeverDeletes() {
    api.add("rt_a", "a", RuntimeStatus.ACTIVE);
    api.add("rt_b", "b", RuntimeStatus.STOPPED);
    Run r = teardown(engine(settings()), true, created("a"), record("b", "rt_b", Outcome.UNHEALTHY,
        RuntimeStatus.STOPPED)).advance(Duration.ofSeconds(1));

    assertThat(r.of("a")).containsExactly(Outcome.STOPPED);
    assertThat(r.of("b")).containsExactly(Outcome.STOPPED);
    assertThat(r.last("b").error()).isEqualTo("already not active (runtime.not_active)");
    assertThat(api.count("delete")).isZero();
    assertThat(api.runtimes).hasSize(2);
  }

  @Test
  void aRuntimeKnownNotActiveIsDeletedWithoutAStopAndOneRestartedSinceIsStoppedAgainFirst() {
    api.add("rt_f", "f", RuntimeStatus.FAILED);
    api.add("rt_s", "s", RuntimeStatus.ACTIVE); // the ledger says stopped; someone started it again
    Run r = teardown(engine(settings()), false, record("f", "rt_f", Outcome.UNHEALTHY, RuntimeStatus.FAILED),
        record("s", "rt_s", Outcome.STOPPED, RuntimeStatus.STOPPED)).advance(Duration.ofSeconds(1));

    assertThat(r.of("f")).containsExactly(Outcome.DELETED);
    assertThat(r.of("s")).containsExactly(Outcome.DELETED);
    assertThat(api.calls).containsExactlyInAnyOrder("delete rt_f", "delete rt_s", "stop rt_s", "delete rt_s");
    assertThat(api.runtimes).isEmpty();
  }

  @Test
  void aRuntimeAlreadyGoneIsDeletedWithoutAnotherCall() {
    Run r = teardown(engine(settings()), false, created("gone")).advance(Duration.ofSeconds(1));

    assertThat(r.of("gone")).containsExactly(Outcome.DELETED);
    assertThat(r.last("gone").error()).isEqualTo("already gone (runtime.not_found)");
    assertThat(r.last("gone").httpStatus()).isEqualTo(404);
    assertThat(api.calls).containsExactly("stop rt_gone");
  }

  @Test
  void retriesWhatIsSafeToRepeatEvenAfterSendingAndWaitsOutA429sRetryAfter() {
    api.add("rt_a", "a", RuntimeStatus.ACTIVE);
    api.override = (call, n) -> switch (call + " " + n) {
      case "stop rt_a 1" -> after(LATENCY, error(503, "runtime.host_unavailable", null));
      case "stop rt_a 2" -> Mono.delay(LATENCY, vts).then(Mono.error(
          new TransportException(TransportException.Kind.TIMEOUT, true, "no answer", null)));
      case "delete rt_a 1" -> after(LATENCY, error(429, "rate_limited", "5"));
      default -> null;
    };
    Run r = teardown(engine(settings().maxAttempts(3)), false, created("a")).advance(Duration.ofSeconds(2));

    assertThat(r.of("a")).containsExactly(Outcome.STOPPED);
    assertThat(api.count("stop")).isEqualTo(3);
    r.advance(Duration.ofSeconds(2));
    assertThat(api.count("delete")).as("within the 429's Retry-After").isOne();
    r.advance(Duration.ofSeconds(2));
    assertThat(r.of("a")).containsExactly(Outcome.STOPPED, Outcome.DELETED);
    assertThat(r.last("a").attempts()).isEqualTo(5);
  }

  @Test
  void a429PausesTheStartsOfEveryRunOnTheEngineProvisioningToo() {
    Engine e = engine(settings());
    api.add("rt_a", "a", RuntimeStatus.ACTIVE);
    api.override = (call, n) -> call.equals("stop rt_a") && n == 1 ? after(LATENCY, error(429, "rate_limited", "5"))
        : null;
    Run r = teardown(e, false, created("a"));
    vts.advanceTimeBy(LATENCY);
    List<ItemResult> created = Collections.synchronizedList(new ArrayList<>());
    e.provision(Flux.just(Item.of("new", "sp", new CreateRuntimeRequest(null, "new", null, null, null, null))),
        Flux.never(), false).subscribe(created::add);
    vts.advanceTimeBy(Duration.ofSeconds(4));
    assertThat(created).as("the create waits out the teardown's 429").isEmpty();
    vts.advanceTimeBy(Duration.ofSeconds(2));
    assertThat(created).extracting(ItemResult::outcome).containsExactly(Outcome.CREATED);
    r.advance(Duration.ofSeconds(1));
    assertThat(r.of("a")).containsExactly(Outcome.STOPPED, Outcome.DELETED);
  }

  @Test
  void aDeleteAnsweredNotStoppedOverAndOverFailsAfterItsAttempts() {
    api.add("rt_a", "a", RuntimeStatus.ACTIVE);
    api.override = (call, n) -> call.startsWith("delete") ? after(LATENCY, error(409, "runtime.not_stopped", null))
        : null;
    Run r = teardown(engine(settings().maxAttempts(3)), false, created("a")).advance(Duration.ofSeconds(5));

    assertThat(r.of("a")).containsExactly(Outcome.STOPPED, Outcome.FAILED);
    assertThat(r.last("a").errorCode()).isEqualTo("runtime.not_stopped");
    assertThat(r.last("a").error()).startsWith("delete answered failed: runtime.not_stopped").endsWith("(after 3 delete calls)");
    assertThat(api.count("delete")).isEqualTo(3);
    assertThat(api.count("stop")).isEqualTo(3); // the first, then once before each delete retried
  }

  @Test
  void aCallThatGotNoAnswerIsToldAsFailedNotAsAnswered() {
    api.add("rt_a", "a", RuntimeStatus.ACTIVE);
    api.override = (call, n) -> Mono.delay(LATENCY, vts).then(Mono.error(new TransportException(
        TransportException.Kind.CONNECT, false, "could not connect: Connection refused", null)));
    Run r = teardown(engine(settings().maxAttempts(3)), false, created("a")).advance(Duration.ofSeconds(5));

    assertThat(r.of("a")).containsExactly(Outcome.FAILED);
    assertThat(r.last("a").error()).isEqualTo("stop failed: could not connect: Connection refused (after 3 stop calls)");
  }

  @Test
  void aNotFoundWithoutItsCodeIsAFailureNeverAnotherDeletedRuntime() {
    api.add("rt_a", "a", RuntimeStatus.ACTIVE);
    api.override = (call, n) -> after(LATENCY, error(404, null, null));
    Run r = teardown(engine(settings()), false, created("a")).advance(Duration.ofSeconds(1));

    assertThat(r.of("a")).containsExactly(Outcome.FAILED);
    assertThat(r.last("a").errorCode()).isEqualTo("http.404");
    assertThat(r.last("a").runtimeId()).isEqualTo("rt_a");
  }

  @Test
  void aKeyWithoutARuntimeIdIsLookedForInOneListingOfItsSpace() {
    api.add("rt_x", "x", RuntimeStatus.ACTIVE);
    ItemResult unknown = new ItemResult("x", 1, "sp", null, Outcome.UNKNOWN, null, null, null, null, null, 1, 0, T0);
    ItemResult aborted = new ItemResult("y", 2, "sp", null, Outcome.ABORTED, null, null, null, null, null, 1, 0, T0);
    Run r = teardown(engine(settings()), false, unknown, aborted).advance(Duration.ofSeconds(1));

    assertThat(r.of("x")).containsExactly(Outcome.STOPPED, Outcome.DELETED);
    assertThat(r.last("x").runtimeId()).isEqualTo("rt_x");
    assertThat(r.of("y")).containsExactly(Outcome.DELETED);
    assertThat(r.last("y").runtimeId()).isNull();
    assertThat(r.last("y").attempts()).isZero();
    Run noList = teardown(engine(settings().noList(true)), false, unknown).advance(Duration.ofSeconds(1));
    assertThat(noList.of("x")).containsExactly(Outcome.UNKNOWN);
    assertThat(noList.last("x").errorCode()).isEqualTo(ErrorCodes.UNSETTLED_NO_LIST);
  }

  @Test
  void aRejectedKeyCutsEveryCallAndEndsTheRunWithItsError() {
    IntStream.range(0, 6).forEach(i -> api.add("rt_" + i, "" + i, RuntimeStatus.ACTIVE));
    api.override = (call, n) -> call.equals("stop rt_0") ? after(LATENCY, error(401, null, null))
        : after(Duration.ofSeconds(10), new Reply(200, null, null, null, null));
    Run r = teardown(engine(settings()), false, IntStream.range(0, 6).mapToObj(i -> created("" + i))
        .toArray(ItemResult[]::new)).advance(Duration.ofSeconds(1));

    assertThat(r.error.get()).isInstanceOf(ApiKeyRejectedException.class);
    assertThat(r.results).extracting(ItemResult::key).containsExactlyInAnyOrder("0", "1", "2", "3");
    assertThat(r.results).extracting(ItemResult::outcome).containsOnly(Outcome.ABORTED);
    assertThat(api.calls).hasSize(4); // the concurrency: nothing after the 401
  }

  @Test
  void tooManyFailedCallsInARowStopTheRun() {
    IntStream.range(0, 5).forEach(i -> api.add("rt_" + i, "" + i, RuntimeStatus.ACTIVE));
    api.override = (call, n) -> after(LATENCY, error(503, null, null));
    Run r = teardown(engine(settings().maxConsecutiveFailures(4).concurrency(1)), false,
        IntStream.range(0, 5).mapToObj(i -> created("" + i)).toArray(ItemResult[]::new))
        .advance(Duration.ofMinutes(1));

    assertThat(r.error.get()).isInstanceOf(TooManyFailuresException.class);
    assertThat(api.calls).hasSize(4);
  }

  @Test
  void aStopLetsCallsInFlightEndWithinTheGraceAndAbortsWhatIsLeftHalfDone() {
    IntStream.range(0, 3).forEach(i -> api.add("rt_" + i, "" + i, RuntimeStatus.ACTIVE));
    Sinks.Many<Duration> stop = Sinks.many().replay().all();
    Run r = teardown(engine(settings().concurrency(2)), false, stop.asFlux(), created("0"), created("1"), created("2"));
    vts.advanceTimeBy(Duration.ofMillis(10));
    stop.tryEmitNext(Duration.ofSeconds(5));
    r.advance(Duration.ofSeconds(1));

    assertThat(r.completed).isTrue();
    assertThat(r.of("0")).containsExactly(Outcome.STOPPED, Outcome.ABORTED);
    assertThat(r.last("0").error()).contains("it is stopped, not deleted");
    assertThat(r.of("1")).containsExactly(Outcome.STOPPED, Outcome.ABORTED);
    assertThat(r.of("2")).as("never touched: no result").isEmpty();
    assertThat(api.calls).containsExactlyInAnyOrder("stop rt_0", "stop rt_1");
  }

  @Test
  void listenersSeeEveryCallAndEveryResult() {
    api.add("rt_a", "a", RuntimeStatus.ACTIVE);
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    ProvisionerListener l = new ProvisionerListener() {
      @Override
      public void attemptStarted(AttemptStarted e) {
        events.add("start " + e.key() + " " + e.attempt());
      }

      @Override
      public void attemptEnded(AttemptEnded e) {
        events.add("end " + e.httpStatus() + " " + e.result());
      }

      @Override
      public void itemEnded(ItemResult r) {
        events.add("item " + r.outcome());
      }
    };
    teardown(engine(settings().listener(l)), false, created("a")).advance(Duration.ofSeconds(1));

    assertThat(events).containsExactly("start a 1", "end 200 SUCCEEDED", "item stopped", "start a 2",
        "end 200 SUCCEEDED", "item deleted");
  }

  @Test
  void aFixedRateSpacesTheStartsOfStopAndDeleteCalls() {
    IntStream.range(0, 3).forEach(i -> api.add("rt_" + i, "" + i, RuntimeStatus.ACTIVE));
    Run r = teardown(engine(settings().rate(2)), false, created("0"), created("1"), created("2"));

    r.advance(Duration.ofMillis(1200));
    assertThat(api.calls).as("one start every half second: at 0, 0.5 s and 1 s").hasSize(3);
    r.advance(Duration.ofSeconds(2));
    assertThat(api.calls).hasSize(6);
    assertThat(r.completed).isTrue();
  }

  @Test
  void aTeardownIsColdAndCancellingItCancelsItsCallsInFlight() {
    api.add("rt_a", "a", RuntimeStatus.ACTIVE);
    api.add("rt_b", "b", RuntimeStatus.ACTIVE);
    api.override = (call, n) -> after(Duration.ofSeconds(30), new Reply(200, null, null, "req", null));
    Flux<ItemResult> teardown = engine(settings()).teardown(Flux.just(created("a"), created("b")), Flux.never(),
        false);
    vts.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(api.calls).as("nothing before subscription").isEmpty();

    Run r = new Run(teardown).advance(Duration.ofMillis(100));
    assertThat(api.calls).containsExactlyInAnyOrder("stop rt_a", "stop rt_b");
    assertThat(api.inFlight.get()).isEqualTo(2);
    r.subscription.dispose();

    assertThat(api.inFlight.get()).as("both calls cancelled").isZero();
    r.advance(Duration.ofMinutes(1));
    assertThat(r.results).as("a cancelled runtime gets no result").isEmpty();
    assertThat(api.calls).hasSize(2);
  }

  @Test
  void callsOfATeardownAndAProvisioningRunShareOneConcurrency() {
    Engine e = engine(settings().concurrency(3));
    IntStream.range(0, 10).forEach(i -> api.add("rt_t" + i, "t" + i, RuntimeStatus.ACTIVE));
    Run t = teardown(e, false, IntStream.range(0, 10).mapToObj(i -> created("t" + i)).toArray(ItemResult[]::new));
    List<ItemResult> created = Collections.synchronizedList(new ArrayList<>());
    e.provision(Flux.range(0, 10).map(i -> Item.of("p" + i, "sp",
        new CreateRuntimeRequest(null, "p" + i, null, null, null, null))), Flux.never(), false).subscribe(created::add);
    t.advance(Duration.ofSeconds(5));

    assertThat(api.count("create")).isEqualTo(10);
    assertThat(api.count("delete")).isEqualTo(10);
    assertThat(api.maxInFlight.get()).isEqualTo(3);
    assertThat(e.stats().maxInFlight()).isEqualTo(3);
    assertThat(created).hasSize(10);
    assertThat(t.completed).isTrue();
  }
}
