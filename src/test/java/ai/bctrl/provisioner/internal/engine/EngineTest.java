package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ErrorCodes;
import ai.bctrl.provisioner.NoListRouteException;
import ai.bctrl.provisioner.model.ApiError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ApiKeyRejectedException;
import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.QuotaExceededException;
import ai.bctrl.provisioner.TooManyFailuresException;
import ai.bctrl.provisioner.internal.client.ListingException;
import ai.bctrl.provisioner.internal.client.Reply;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

class EngineTest {
  private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  private final FakeApi api = new FakeApi(vts);

  private Provisioner.Builder settings() {
    return Provisioner.builder().baseUrl("http://127.0.0.1:9").apiKey("secret-key").scheduler(vts)
        .clock(new VirtualClock(vts, T0)).rate(0).concurrency(4).maxAttempts(5).settleDelay(SETTLE)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
  }

  private Engine engine(Provisioner.Builder b) {
    return new Engine(api, b.config(), new Random(1));
  }

  static Item item(String key) {
    return Item.of(key, "sp", new CreateRuntimeRequest(null, key, null, null, null, null));
  }

  static List<Item> items(int n) {
    return IntStream.range(0, n).mapToObj(i -> item("k" + i)).collect(Collectors.toList());
  }

  /** A subscribed run on virtual time. */
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

    boolean ended() {
      return completed.get() || error.get() != null;
    }

    ItemResult result(String key) {
      return results.stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow();
    }

    Map<Outcome, Long> outcomes() {
      return results.stream().collect(Collectors.groupingBy(ItemResult::outcome, Collectors.counting()));
    }
  }

  private Run run(Engine e, List<Item> items) {
    return run(e, Flux.fromIterable(items), Flux.never());
  }

  private Run run(Engine e, Flux<Item> items, Publisher<Duration> stop) {
    return new Run(e.provision(items, stop, true));
  }

  @Test
  void aRunThatHasEndedLeavesNoKeyInFlightForTheNextOne() {
    Engine e = engine(settings());
    List<ItemResult> second = Collections.synchronizedList(new ArrayList<>());
    // the second run starts the moment the first one's end is passed on, on the same keys
    Run first = new Run(e.provision(Flux.fromIterable(items(3)), Flux.never(), false)
        .doOnComplete(() -> e.provision(Flux.fromIterable(items(3)), Flux.never(), false).subscribe(second::add)));
    first.advance(Duration.ofMinutes(1));

    assertThat(first.completed).isTrue();
    assertThat(second).hasSize(3).allSatisfy(r -> assertThat(r.errorCode()).isNull());
  }

  @Test
  void createsEveryItemOnceAndReportsItsRuntime() {
    Run r = run(engine(settings()), items(20)).advance(Duration.ofMinutes(1));
    assertThat(r.completed).isTrue();
    assertThat(r.results).hasSize(20).allSatisfy(x -> {
      assertThat(x.outcome()).isEqualTo(Outcome.CREATED);
      assertThat(x.runtimeId()).isEqualTo("rt_" + x.key());
      assertThat(x.status()).isEqualTo(RuntimeStatus.ACTIVE);
      assertThat(x.httpStatus()).isEqualTo(201);
      assertThat(x.attempts()).isEqualTo(1);
      assertThat(x.finishedAt()).isAfter(T0);
    });
    assertThat(api.creates).hasSize(20);
    assertThat(api.duplicates()).isZero();
  }

  @Test
  void itemsWaitingForTheFirstListingStartInTheOrderTheyCame() {
    api.listBehaviour = (a, space, n) -> Mono.delay(Duration.ofSeconds(1), vts).map(x -> a.page(space));
    Run r = run(engine(settings().concurrency(1)), items(40)).advance(Duration.ofMinutes(1));
    assertThat(r.completed).isTrue();
    assertThat(api.creates).extracting(c -> c.key())
        .containsExactlyElementsOf(IntStream.range(0, 40).mapToObj(i -> "k" + i).toList());
  }

  @Test
  void twoItemsWithOneKeyInOneRunAreCreatedOnceAndTheLaterIsFailed() {
    Run r = run(engine(settings()), List.of(item("k"), item("other"), item("k"))).advance(Duration.ofMinutes(1));
    assertThat(r.completed).isTrue();
    assertThat(api.creates).hasSize(2);
    assertThat(api.duplicates()).isZero();
    assertThat(r.results).filteredOn(x -> x.key().equals("k")).extracting(ItemResult::outcome)
        .containsExactlyInAnyOrder(Outcome.CREATED, Outcome.FAILED);
    assertThat(r.results).filteredOn(x -> x.outcome() == Outcome.FAILED).singleElement()
        .satisfies(x -> {
          assertThat(x.errorCode()).isEqualTo("provisioner.duplicate_key");
          assertThat(x.attempts()).isZero();
        });
  }

  @Test
  void neverHasMoreCallsInFlightThanTheConcurrency() {
    api.behaviour = (a, it, n) -> a.create(it, Duration.ofMillis(10 + Math.abs(it.key().hashCode() % 300)));
    Run r = run(engine(settings().concurrency(3)), items(60)).advance(Duration.ofMinutes(1));
    assertThat(r.results).hasSize(60);
    assertThat(api.maxInFlight.get()).isEqualTo(3);
  }

  @Test
  void readsAheadOfASlowApiOnlyBoundedly() {
    api.behaviour = (a, it, n) -> Mono.never();
    AtomicLong requested = new AtomicLong();
    Flux<Item> source = Flux.range(0, 1_000_000).map(i -> item("k" + i)).doOnRequest(requested::addAndGet);
    Run r = run(engine(settings().concurrency(4)), source, Flux.never()).advance(Duration.ofMinutes(5));
    assertThat(api.creates).hasSize(4);
    assertThat(requested.get()).isLessThanOrEqualTo(Engine.maxPending(4));
    r.subscription.dispose();
  }

  @Test
  void retriesA503AfterABackoffAndCreatesOnce() {
    api.behaviour = (a, it, n) -> n == 1 ? a.error(503, null, Duration.ofMillis(50)) : a.create(it, Duration.ofMillis(50));
    Run r = run(engine(settings()), items(1)).advance(Duration.ofMinutes(1));
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.CREATED);
    assertThat(r.result("k0").attempts()).isEqualTo(2);
    assertThat(api.creates).hasSize(2);
    assertThat(api.duplicates()).isZero();
  }

  @Test
  void a429PausesEveryStartUntilItsRetryAfterAndDoesNotUseUpAttempts() {
    api.behaviour = (a, it, n) -> it.key().equals("k0") && n == 1
        ? a.error(429, "5", Duration.ofMillis(10)) : a.create(it, Duration.ofMillis(100));
    Run r = run(engine(settings().concurrency(2).maxAttempts(1)), items(8)).advance(Duration.ofMinutes(1));
    assertThat(r.results).hasSize(8).allSatisfy(x -> assertThat(x.outcome()).isEqualTo(Outcome.CREATED));
    assertThat(r.result("k0").attempts()).isEqualTo(2);
    assertThat(api.creates).filteredOn(c -> c.startMs() > 10)
        .isNotEmpty().allSatisfy(c -> assertThat(c.startMs()).isGreaterThanOrEqualTo(5010));
    assertThat(engine(settings()).stats().retries()).isNotNull();
  }

  @Test
  void callsWhoseConnectionsCameLateStillGoOutNoMoreThanRatePlusBurstInAnySecond() {
    // the limiter lets k0 and k1 start first, but their connections take long to come: sent as
    // they come, they would land in the same second as the ten started after them (12 > 10 + 1)
    api.connectDelays.put("k0", Duration.ofMillis(950));
    api.connectDelays.put("k1", Duration.ofMillis(830));
    Run r = run(engine(settings().concurrency(8).rate(10)), items(30)).advance(Duration.ofMinutes(1));
    assertThat(r.results).hasSize(30).allSatisfy(x -> assertThat(x.outcome()).isEqualTo(Outcome.CREATED));
    List<Long> sends = api.creates.stream().map(FakeApi.Call::startMs).sorted().collect(Collectors.toList());
    for (int i = 0, j = 0; i < sends.size(); i++) {
      while (j < sends.size() && sends.get(j) < sends.get(i) + 1000) {
        j++;
      }
      assertThat(j - i).as("sends in the second from %d ms: %s", sends.get(i), sends).isLessThanOrEqualTo(11);
    }
    assertThat(api.duplicates()).isZero();
  }

  @Test
  void aStopWhileACallWaitsAtItsSendGateSendsNothingAndLeavesTheItemUnstarted() {
    // at 1 a second: k0, started by the limiter at 0 s, gets its connection at 0.9 s and goes out
    // then; k1, started at 1 s with a connection at once, must wait at its gate until 1.9 s
    api.connectDelays.put("k0", Duration.ofMillis(900));
    Sinks.Many<Duration> stop = Sinks.many().multicast().onBackpressureBuffer();
    Run r = run(engine(settings().concurrency(2).rate(1)), Flux.fromIterable(items(2)), stop.asFlux());
    r.advance(Duration.ofMillis(1200));
    assertThat(api.creates).extracting(FakeApi.Call::key).containsExactly("k0");
    stop.tryEmitNext(Duration.ofSeconds(5));
    r.advance(Duration.ofMinutes(1));
    assertThat(r.ended()).isTrue();
    assertThat(api.creates).extracting(FakeApi.Call::key).containsExactly("k0");
    assertThat(r.results).extracting(ItemResult::key).containsExactly("k0");
  }

  @Test
  void aRetryAfterLongerThanTheCapFailsTheItem() {
    api.behaviour = (a, it, n) -> a.error(503, "600", Duration.ofMillis(10));
    Run r = run(engine(settings()), items(1)).advance(Duration.ofMinutes(1));
    ItemResult x = r.result("k0");
    assertThat(x.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(x.error()).isEqualTo(
        "failed with 503 (requestId req_503); Retry-After 600s is longer than the 300s the provisioner waits");
    assertThat(api.creates).hasSize(1);
  }

  @Test
  void settlesAnUncertain500ByAdoptingWhatTheListingFinds() {
    api.behaviour = (a, it, n) -> Mono.delay(Duration.ofMillis(100), vts).map(x -> {
      a.createNow(it, RuntimeStatus.ACTIVE);
      return new Reply(500, null, null, "req_x", null);
    });
    Run r = run(engine(settings()), items(1)).advance(Duration.ofMinutes(1));
    ItemResult x = r.result("k0");
    assertThat(x.outcome()).isEqualTo(Outcome.ADOPTED);
    assertThat(x.runtimeId()).isEqualTo("rt_k0");
    assertThat(x.httpStatus()).isEqualTo(500);
    assertThat(api.creates).hasSize(1);
    assertThat(api.listStartsMs).containsExactly(0L, 10_100L);
  }

  @Test
  void retriesWhenTheSettleListingDoesNotFindIt() {
    api.behaviour = (a, it, n) -> n == 1 ? a.error(502, null, Duration.ofMillis(100)) : a.create(it, Duration.ofMillis(100));
    Run r = run(engine(settings()), items(1)).advance(Duration.ofMinutes(1));
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.CREATED);
    assertThat(r.result("k0").attempts()).isEqualTo(2);
    assertThat(api.creates).extracting(FakeApi.Call::startMs).containsExactly(0L, 10_100L);
  }

  @Test
  void aListingThatStartedBeforeTheSettleDelayIsNotUsed() {
    // k1 fails at 0.1s (due 10.1s); k0 fails at 3s (due 13s) and its runtime appears at 12s.
    api.behaviour = (a, it, n) -> {
      if (it.key().equals("k1")) {
        return n == 1 ? a.error(500, null, Duration.ofMillis(100)) : a.create(it, Duration.ofMillis(100));
      }
      vts.schedule(() -> a.createNow(it, RuntimeStatus.ACTIVE), 12, TimeUnit.SECONDS);
      return a.error(500, null, Duration.ofSeconds(3));
    };
    Run r = run(engine(settings()), List.of(item("k0"), item("k1"))).advance(Duration.ofMinutes(1));
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.ADOPTED);
    assertThat(r.result("k1").outcome()).isEqualTo(Outcome.CREATED);
    assertThat(api.callsByKey.get("k0").get()).isEqualTo(1);
    assertThat(api.listStartsMs).containsExactly(0L, 10_100L, 13_000L);
    assertThat(api.duplicates()).isZero();
  }

  @Test
  void uncertainItemsOfASpaceShareOneListing() {
    api.behaviour = (a, it, n) -> Mono.delay(Duration.ofMillis(100), vts).map(x -> {
      a.createNow(it, RuntimeStatus.ACTIVE);
      return new Reply(504, null, null, null, null);
    });
    Run r = run(engine(settings().concurrency(10)), items(10)).advance(Duration.ofMinutes(1));
    assertThat(r.results).hasSize(10).allSatisfy(x -> assertThat(x.outcome()).isEqualTo(Outcome.ADOPTED));
    assertThat(api.listStartsMs).containsExactly(0L, 10_100L);
  }

  @Test
  void aSettlingItemHoldsNoSlot() {
    api.behaviour = (a, it, n) -> it.key().equals("k0") && n == 1
        ? a.error(500, null, Duration.ofMillis(100)) : a.create(it, Duration.ofMillis(100));
    Run r = run(engine(settings().concurrency(1)), items(3)).advance(Duration.ofMinutes(1));
    assertThat(r.results).hasSize(3).allSatisfy(x -> assertThat(x.outcome()).isEqualTo(Outcome.CREATED));
    assertThat(api.creates).filteredOn(c -> !c.key().equals("k0"))
        .allSatisfy(c -> assertThat(c.startMs()).isLessThan(SETTLE.toMillis()));
  }

  @Test
  void anImpossibleSettleListingEndsUnknownWithoutASecondCreate() {
    api.behaviour = (a, it, n) -> a.error(500, null, Duration.ofMillis(100));
    api.listBehaviour = (a, space, n) -> n == 1 ? Mono.just(a.page(space))
        : Mono.error(new ListingException("listing answered HTTP 503", new Reply(503, null, null, null, null)));
    Run r = run(engine(settings().maxAttempts(3)), items(1)).advance(Duration.ofMinutes(5));
    ItemResult x = r.result("k0");
    assertThat(x.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(x.errorCode()).isEqualTo("provisioner.unsettled");
    assertThat(x.error()).isEqualTo(
        "listing space sp failed 3 times, last: HTTP 503; last attempt: failed with 500 (requestId req_500)");
    assertThat(api.creates).hasSize(1);
    assertThat(api.listStartsMs).hasSize(4);
  }

  @Test
  void aPermanentErrorFailsWithTheApiCodeMessageAndRequestId() {
    api.behaviour = (a, it, n) -> a.error(422, null, Duration.ofMillis(10));
    Run r = run(engine(settings()), items(1)).advance(Duration.ofMinutes(1));
    ItemResult x = r.result("k0");
    assertThat(x.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(x.httpStatus()).isEqualTo(422);
    assertThat(x.errorCode()).isEqualTo("test.e422");
    assertThat(x.error()).isEqualTo("failed with 422 (requestId req_422)");
    assertThat(x.attempts()).isEqualTo(1);
  }

  @Test
  void exhaustedAttemptsFailWithTheLastError() {
    api.behaviour = (a, it, n) -> a.error(503, null, Duration.ofMillis(10));
    Run r = run(engine(settings().maxAttempts(3)), items(1)).advance(Duration.ofMinutes(1));
    ItemResult x = r.result("k0");
    assertThat(x.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(x.errorCode()).isEqualTo("test.e503");
    assertThat(x.error()).isEqualTo("failed with 503 (requestId req_503) (after 3 attempts)");
    assertThat(x.attempts()).isEqualTo(3);
    assertThat(api.creates).hasSize(3);
  }

  @Test
  void a200WithAFailedRuntimeIsUnhealthyWithItsId() {
    api.behaviour = (a, it, n) -> Mono.just(new Reply(200, a.createNow(it, RuntimeStatus.FAILED), null, "req_f", null));
    Run r = run(engine(settings()), items(1)).advance(Duration.ofMinutes(1));
    ItemResult x = r.result("k0");
    assertThat(x.outcome()).isEqualTo(Outcome.UNHEALTHY);
    assertThat(x.runtimeId()).isEqualTo("rt_k0");
    assertThat(x.status()).isEqualTo(RuntimeStatus.FAILED);
    assertThat(x.error()).isEqualTo("created with status failed (requestId req_f)");
  }

  @Test
  void aRejectedKeyStopsTheRunAtOnce() {
    api.behaviour = (a, it, n) -> it.key().equals("k0") ? a.error(401, null, Duration.ofMillis(10))
        : a.create(it, Duration.ofSeconds(5));
    Run r = run(engine(settings().concurrency(4)), items(20)).advance(Duration.ofMinutes(1));
    assertThat(r.error.get()).isInstanceOf(ApiKeyRejectedException.class)
        .hasMessage("the API rejected the API key (failed with 401 (requestId req_401)); check the key and its rights");
    assertThat(api.creates).hasSize(4);
    assertThat(r.results).hasSize(4).allSatisfy(x -> assertThat(x.outcome()).isEqualTo(Outcome.ABORTED));
    assertThat(api.inFlight.get()).isZero();
    assertThat(api.server).isEmpty();
  }

  @Test
  void aRejectedKeyOnTheFirstListingCreatesNothing() {
    api.listBehaviour = (a, space, n) -> Mono.error(new ListingException("no", new Reply(401, null, null, "req_l", null)));
    Run r = run(engine(settings()), items(5)).advance(Duration.ofMinutes(1));
    assertThat(r.error.get()).isInstanceOf(ApiKeyRejectedException.class)
        .hasMessage("the API rejected the API key while listing space sp (HTTP 401 (requestId req_l)); check the key and its rights");
    assertThat(api.creates).isEmpty();
    assertThat(r.results).isEmpty();
  }

  @Test
  void aQuotaStopsNewCreatesAndLetsInFlightOnesFinish() {
    api.behaviour = (a, it, n) -> Mono.delay(Duration.ofMillis(100), vts).map(x -> a.server.size() >= 5
        ? new Reply(402, null, new ai.bctrl.provisioner.model.ApiError("quota", "browser.concurrent_quota_exceeded",
            null, null, null, "req_q"), "req_q", null)
        : new Reply(201, a.createNow(it, RuntimeStatus.ACTIVE), null, null, null));
    Run r = run(engine(settings().concurrency(2)), items(10)).advance(Duration.ofMinutes(1));
    assertThat(r.error.get()).isInstanceOf(QuotaExceededException.class).hasMessage(
        "the concurrent runtime quota is reached (browser.concurrent_quota_exceeded: quota (requestId req_q)); "
            + "free runtimes or raise the quota, then run again");
    assertThat(r.outcomes()).containsEntry(Outcome.CREATED, 5L);
    assertThat(r.outcomes().keySet()).containsOnly(Outcome.CREATED, Outcome.ABORTED);
    assertThat(api.creates.size()).isLessThanOrEqualTo(7);
    assertThat(api.duplicates()).isZero();
  }

  @Test
  void tooManyConsecutiveFailuresStopTheRun() {
    api.behaviour = (a, it, n) -> a.error(503, null, Duration.ofMillis(10));
    Run r = run(engine(settings().concurrency(2).maxConsecutiveFailures(6).maxAttempts(100)), items(50))
        .advance(Duration.ofMinutes(5));
    assertThat(r.error.get()).isInstanceOf(TooManyFailuresException.class).hasMessage(
        "6 attempts in a row failed with no success between (last: failed with 503 (requestId req_503)); "
            + "the API looks unavailable, try again later");
    assertThat(api.creates.size()).isBetween(6, 7);
    assertThat(r.results).allSatisfy(x -> assertThat(x.outcome()).isEqualTo(Outcome.ABORTED));
  }

  @Test
  void itemsAlreadyOnTheServerAreAdoptedWithoutACreate() {
    api.createNow(item("k0"), RuntimeStatus.ACTIVE);
    api.createNow(item("k1"), RuntimeStatus.STOPPED);
    Run r = run(engine(settings()), items(3)).advance(Duration.ofMinutes(1));
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.ADOPTED);
    assertThat(r.result("k0").attempts()).isZero();
    assertThat(r.result("k1").outcome()).isEqualTo(Outcome.UNHEALTHY);
    assertThat(r.result("k1").runtimeId()).isEqualTo("rt_k1");
    assertThat(r.result("k2").outcome()).isEqualTo(Outcome.CREATED);
    assertThat(api.creates).extracting(FakeApi.Call::key).containsExactly("k2");
    assertThat(api.listStartsMs).hasSize(1);
  }

  @Test
  void anImpossibleFirstListingLeavesItsItemsUnknownAndCreatesNothing() {
    api.listBehaviour = (a, space, n) -> Mono.error(new ListingException("x", new Reply(400, null, null, null, null)));
    Run r = run(engine(settings()), items(3)).advance(Duration.ofMinutes(1));
    assertThat(r.completed).isTrue();
    assertThat(r.results).hasSize(3).allSatisfy(x -> {
      assertThat(x.outcome()).isEqualTo(Outcome.UNKNOWN);
      assertThat(x.error()).isEqualTo("listing space sp failed: HTTP 400");
    });
    assertThat(api.creates).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {404, 405, 501})
  void aListingWithoutARouteStopsTheRunAtOnceAndCreatesNothing(int status) {
    api.listBehaviour = (a, space, n) -> Mono.error(new ListingException("x", new Reply(status, null, null, null, null)));
    Run r = run(engine(settings()), items(3)).advance(Duration.ofMinutes(1));
    assertThat(r.error.get()).isInstanceOf(NoListRouteException.class).hasMessage("the API cannot list runtimes: "
        + "GET http://127.0.0.1:9/v1/spaces/sp/runtimes answered HTTP " + status + "; check --base-url, or run with "
        + "--no-list for an API without that route (then a create whose answer is lost ends unknown and is never "
        + "repeated)");
    assertThat(r.results).isEmpty();                // items never started get no record
    assertThat(api.creates).isEmpty();
    assertThat(api.listStartsMs).hasSize(1);        // not retried
  }

  @Test
  void aListing404ThatNamesTheSpaceSaysTheSpaceDoesNotExist() {
    ApiError notFound = new ApiError("Space not found", "space.not_found", "not_found", null, null, "req_1");
    api.listBehaviour = (a, space, n) -> Mono.error(new ListingException("x", new Reply(404, null, notFound, "req_1", null)));
    Run r = run(engine(settings()), items(2)).advance(Duration.ofMinutes(1));
    assertThat(r.error.get()).isInstanceOf(NoListRouteException.class).hasMessage("space sp does not exist: "
        + "GET http://127.0.0.1:9/v1/spaces/sp/runtimes answered HTTP 404 Space not found (requestId req_1) "
        + "(space.not_found); check --space and the manifest's spaceId");
    assertThat(api.creates).isEmpty();
  }

  @Test
  void withNoListNothingIsListedAndAnUncertainCreateEndsUnknownWithoutARepeat() {
    api.behaviour = (a, it, n) -> it.key().equals("k0")
        ? Mono.delay(Duration.ofMillis(100), vts).map(x -> {
            a.createNow(it, RuntimeStatus.ACTIVE);
            return new Reply(500, null, null, "req_x", null);
          })
        : a.create(it, Duration.ofMillis(100));
    Run r = run(engine(settings().noList(true)), items(3)).advance(Duration.ofMinutes(1));
    assertThat(r.completed).isTrue();
    assertThat(api.listStartsMs).isEmpty();
    ItemResult x = r.result("k0");
    assertThat(x.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(x.errorCode()).isEqualTo(ErrorCodes.UNSETTLED_NO_LIST);
    assertThat(x.httpStatus()).isEqualTo(500);
    assertThat(api.callsByKey.get("k0").get()).isEqualTo(1);
    assertThat(r.result("k1").outcome()).isEqualTo(Outcome.CREATED);
    assertThat(api.duplicates()).isZero();
  }

  @Test
  void withNoListAnAnswerThatSaysNothingWasDoneIsStillRetried() {
    api.behaviour = (a, it, n) -> n == 1 ? a.error(503, null, Duration.ofMillis(10)) : a.create(it, Duration.ofMillis(10));
    Run r = run(engine(settings().noList(true)), items(2)).advance(Duration.ofMinutes(1));
    assertThat(r.results).hasSize(2).allSatisfy(x -> {
      assertThat(x.outcome()).isEqualTo(Outcome.CREATED);
      assertThat(x.attempts()).isEqualTo(2);
    });
  }

  @Test
  void withNoListACallCutByAStopEndsUnknownWhileAWaitingRetryEndsAborted() {
    api.behaviour = (a, it, n) -> it.key().equals("k0")
        ? a.create(it, Duration.ofSeconds(30))
        : a.error(503, "20", Duration.ofMillis(10));
    Sinks.Many<Duration> stop = Sinks.many().multicast().onBackpressureBuffer();
    Run r = run(engine(settings().noList(true).concurrency(2)), Flux.fromIterable(items(2)), stop.asFlux());
    r.advance(Duration.ofSeconds(1));
    stop.tryEmitNext(Duration.ofSeconds(1));
    r.advance(Duration.ofSeconds(5));
    assertThat(r.completed).isTrue();
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(r.result("k0").errorCode()).isEqualTo(ErrorCodes.UNSETTLED_NO_LIST);
    assertThat(r.result("k1").outcome()).isEqualTo(Outcome.ABORTED);
  }

  @Test
  void theFirstListingStartsNoEarlierThanFirstListingNotBefore() {
    Run r = run(engine(settings().firstListingNotBefore(T0.plusSeconds(30))), items(2)).advance(Duration.ofMinutes(1));
    assertThat(r.results).hasSize(2);
    assertThat(api.listStartsMs).containsExactly(30_000L);
    assertThat(api.creates).allSatisfy(c -> assertThat(c.startMs()).isGreaterThanOrEqualTo(30_000L));
  }

  @Test
  void aStopLetsInFlightCallsEndWithinTheGrace() {
    api.behaviour = (a, it, n) -> a.create(it, Duration.ofSeconds(2));
    Sinks.Many<Duration> stop = Sinks.many().multicast().onBackpressureBuffer();
    Run r = run(engine(settings().concurrency(2)), Flux.fromIterable(items(10)), stop.asFlux());
    r.advance(Duration.ofSeconds(1));
    stop.tryEmitNext(Duration.ofSeconds(10));
    r.advance(Duration.ofMinutes(1));
    assertThat(r.completed).isTrue();
    assertThat(r.results).hasSize(2).allSatisfy(x -> assertThat(x.outcome()).isEqualTo(Outcome.CREATED));
    assertThat(api.creates).hasSize(2);
  }

  @Test
  void aStopAbortsCallsStillInFlightWhenTheGraceEndsAndRecordsNothingForItemsNeverStarted() {
    api.behaviour = (a, it, n) -> a.create(it, Duration.ofSeconds(60));
    Sinks.Many<Duration> stop = Sinks.many().multicast().onBackpressureBuffer();
    Run r = run(engine(settings().concurrency(2)), Flux.fromIterable(items(10)), stop.asFlux());
    r.advance(Duration.ofSeconds(1));
    stop.tryEmitNext(Duration.ofSeconds(10));
    r.advance(Duration.ofSeconds(5));
    assertThat(r.ended()).isFalse();
    stop.tryEmitNext(Duration.ZERO);
    assertThat(r.completed).isTrue();
    assertThat(r.error.get()).isNull();
    assertThat(r.results).hasSize(2).allSatisfy(x -> {
      assertThat(x.outcome()).isEqualTo(Outcome.ABORTED);
      assertThat(x.attempts()).isEqualTo(1);
    });
    assertThat(api.creates).hasSize(2);
    assertThat(api.inFlight.get()).isZero();
  }

  @Test
  void aStopAbortsAnItemWaitingToRetry() {
    api.behaviour = (a, it, n) -> a.error(503, "30", Duration.ofMillis(10));
    Sinks.Many<Duration> stop = Sinks.many().multicast().onBackpressureBuffer();
    Run r = run(engine(settings()), Flux.fromIterable(items(1)), stop.asFlux());
    r.advance(Duration.ofSeconds(1));
    stop.tryEmitNext(Duration.ofSeconds(10));
    assertThat(r.completed).isTrue();
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.ABORTED);
    assertThat(r.result("k0").error())
        .isEqualTo("the run stopped before this item ended; last attempt: failed with 503 (requestId req_503)");
  }

  @Test
  void cancellingTheRunCancelsCallsInFlight() {
    api.behaviour = (a, it, n) -> a.create(it, Duration.ofSeconds(60));
    Engine e = engine(settings());
    Run r = run(e, items(10)).advance(Duration.ofSeconds(1));
    assertThat(e.stats().inFlight()).isEqualTo(4);
    r.subscription.dispose();
    assertThat(api.inFlight.get()).isZero();
    assertThat(e.stats().inFlight()).isZero();
    assertThat(r.results).isEmpty();
  }

  @Test
  void statsCountAttemptsRetriesSettlesAndOutcomes() {
    api.behaviour = (a, it, n) -> switch (it.key()) {
      case "k0" -> n == 1 ? a.error(429, "1", Duration.ofMillis(10)) : a.create(it, Duration.ofMillis(10));
      case "k1" -> n == 1 ? a.error(500, null, Duration.ofMillis(10)) : a.create(it, Duration.ofMillis(10));
      default -> a.create(it, Duration.ofMillis(10));
    };
    Engine e = engine(settings());
    run(e, items(3)).advance(Duration.ofMinutes(1));
    var s = e.stats();
    assertThat(s.attemptsStarted()).isEqualTo(5);
    assertThat(s.retries()).containsEntry(ai.bctrl.provisioner.RetryCause.RATE_LIMITED, 1L)
        .containsEntry(ai.bctrl.provisioner.RetryCause.SERVER_5XX, 1L);
    assertThat(s.settles()).isEqualTo(1);
    assertThat(s.results()).containsEntry(Outcome.CREATED, 3L);
    assertThat(s.latency().count()).isEqualTo(3);
    assertThat(s.latency().maxMs()).isEqualTo(10_020L);
  }

  @Test
  void a429WithoutRetryAfterPausesEveryStartForTheBackoffCeiling() {
    api.behaviour = (a, it, n) -> it.key().equals("k0") && n == 1
        ? a.error(429, null, Duration.ofMillis(10)) : a.create(it, Duration.ofMillis(10));
    Run r = run(engine(settings().concurrency(1)), items(3)).advance(Duration.ofMinutes(1));
    assertThat(r.results).hasSize(3);
    assertThat(api.creates).filteredOn(c -> c.startMs() > 0)
        .allSatisfy(c -> assertThat(c.startMs()).isGreaterThanOrEqualTo(110));
  }

  @Test
  void a409IsSettledLikeAnUncertainAttempt() {
    api.behaviour = (a, it, n) -> Mono.delay(Duration.ofMillis(100), vts).map(x -> {
      a.createNow(it, RuntimeStatus.ACTIVE);
      return new Reply(409, null, null, null, null);
    });
    Run r = run(engine(settings()), items(1)).advance(Duration.ofMinutes(1));
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.ADOPTED);
    assertThat(api.creates).hasSize(1);
  }

  @Test
  void aSingleCreateDoesNotListFirstAndSharesTheLimits() {
    Engine e = engine(settings().concurrency(1));
    List<ItemResult> got = Collections.synchronizedList(new ArrayList<>());
    e.provision(Flux.just(item("x")), Flux.never(), false).subscribe(got::add);
    e.provision(Flux.just(item("y")), Flux.never(), false).subscribe(got::add);
    vts.advanceTimeBy(Duration.ofMinutes(1));
    assertThat(got).extracting(ItemResult::outcome).containsExactly(Outcome.CREATED, Outcome.CREATED);
    assertThat(api.listStartsMs).isEmpty();
    assertThat(api.maxInFlight.get()).isEqualTo(1);
    assertThat(api.creates).extracting(FakeApi.Call::startMs).containsExactly(0L, 100L);
  }

  @Test
  void theFirstListingFollowsEveryPageOfAManyPagedSpace() {
    int pages = 20_000;
    api.listBehaviour = (a, space, n) -> Mono.just(new ai.bctrl.provisioner.internal.client.ListPage(
        n == pages ? List.of(a.createNow(item("k0"), RuntimeStatus.ACTIVE)) : List.of(), n == pages ? null : "c" + n));
    Run r = run(engine(settings()), items(2)).advance(Duration.ofMinutes(1));
    assertThat(api.listStartsMs).hasSize(pages);
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.ADOPTED);
    assertThat(r.result("k1").outcome()).isEqualTo(Outcome.CREATED);
  }

  @Test
  void aBrokenInputLetsCallsInFlightEndThenEndsTheRunWithItsError() {
    api.behaviour = (a, it, n) -> a.create(it, Duration.ofSeconds(2));
    IllegalStateException broken = new IllegalStateException("manifest.csv:7: malformed CSV");
    Flux<Item> input = Flux.fromIterable(items(3)).concatWith(Mono.delay(Duration.ofSeconds(1), vts)
        .then(Mono.error(broken)));
    Run r = run(engine(settings()), input, Flux.never()).advance(Duration.ofMinutes(1));
    assertThat(r.error.get()).isSameAs(broken);
    assertThat(r.results).hasSize(3).allSatisfy(x -> assertThat(x.outcome()).isEqualTo(Outcome.CREATED));
  }

  @Test
  void aSettleListingWhoseServerRepeatsTheCursorIsImpossibleRatherThanCompleteSoNothingIsCreatedTwice() {
    // the 500 created the runtime; later listings repeat their cursor forever (a server ignoring
    // ?cursor=), so the page holding the runtime is never seen: that listing must not say "absent"
    api.behaviour = (a, it, n) -> Mono.delay(Duration.ofMillis(100), vts).map(x -> {
      a.createNow(it, RuntimeStatus.ACTIVE);
      return new Reply(500, null, null, "req_x", null);
    });
    api.listBehaviour = (a, space, n) -> Mono.just(new ai.bctrl.provisioner.internal.client.ListPage(List.of(),
        n == 1 ? null : "c1"));
    Run r = run(engine(settings()), items(1)).advance(Duration.ofMinutes(5));
    ItemResult x = r.result("k0");
    assertThat(x.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(x.error()).isEqualTo("listing space sp answered the cursor c1 a second time, so it cannot be read"
        + " to its end; last attempt: HTTP 500 (requestId req_x)");
    assertThat(api.creates).hasSize(1);
    assertThat(api.duplicates()).isZero();
    assertThat(api.listCursors).containsExactly(null, null, "c1");
  }

  @Test
  void aListingWhoseCursorsGoRoundInACircleIsImpossibleAfterOneLap() {
    api.listBehaviour = (a, space, n) -> Mono.just(new ai.bctrl.provisioner.internal.client.ListPage(List.of(),
        n % 2 == 1 ? "a" : "b"));
    Run r = run(engine(settings()), items(1)).advance(Duration.ofMinutes(5));
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(r.result("k0").error())
        .isEqualTo("listing space sp answered the cursor a a second time, so it cannot be read to its end");
    assertThat(api.listCursors).containsExactly(null, "a", "b");
    assertThat(api.creates).isEmpty();
  }

  @Test
  void anItemRateLimitedThousandsOfTimesStillEndsOnASmallStack() throws InterruptedException {
    // each retry used to nest the next attempt inside the last one, so a long 429 storm overflowed
    // the stack of the thread that ran it and the item never ended
    api.behaviour = (a, it, n) -> n <= 3_000
        ? a.error(429, "0", Duration.ofMillis(1)) : a.create(it, Duration.ofMillis(1));
    Run r = run(engine(settings().concurrency(1)), items(1));
    AtomicReference<Throwable> crash = new AtomicReference<>();
    Thread t = new Thread(null, () -> vts.advanceTimeBy(Duration.ofMinutes(10)), "small-stack", 512 * 1024);
    t.setUncaughtExceptionHandler((th, e) -> crash.set(e));
    t.start();
    t.join();
    assertThat(crash.get()).isNull();
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.CREATED);
    assertThat(r.result("k0").attempts()).isEqualTo(3_001);
  }

  @Test
  void listingCallsInFlightAreBoundedSoTheyCannotCrowdCreatesOutOfThePool() {
    // one item in each of 40 spaces: each needs its first listing, and every listing is slow
    api.listBehaviour = (a, space, n) -> Mono.delay(Duration.ofSeconds(1), vts).map(x -> a.page(space));
    List<Item> spread = IntStream.range(0, 40)
        .mapToObj(i -> Item.of("k" + i, "sp" + i, new CreateRuntimeRequest(null, "k" + i, null, null, null, null)))
        .collect(Collectors.toList());
    Run r = run(engine(settings().concurrency(2)), spread).advance(Duration.ofMinutes(1));
    assertThat(r.results).hasSize(40).allSatisfy(x -> assertThat(x.outcome()).isEqualTo(Outcome.CREATED));
    assertThat(api.maxListsInFlight.get()).isEqualTo(Engine.MAX_LISTING_CALLS);
    assertThat(api.maxInFlight.get()).isEqualTo(2);
  }

  @Test
  void cancellingTheRunCancelsASettleListingInFlight() {
    api.behaviour = (a, it, n) -> a.error(500, null, Duration.ofMillis(100));
    api.listBehaviour = (a, space, n) -> n == 1 ? Mono.just(a.page(space)) : Mono.never();
    Run r = run(engine(settings()), items(1)).advance(SETTLE.plusSeconds(1));
    assertThat(api.listsInFlight.get()).isEqualTo(1);
    r.subscription.dispose();
    assertThat(api.listsInFlight.get()).isZero();
  }

  @Test
  void aRejectedKeyStopsTheSettleListingsOfTheRunToo() {
    // k0's settle listing meets 503s and backs off; meanwhile k1 is answered 401: no call may follow
    api.behaviour = (a, it, n) -> it.key().equals("k0") ? a.error(500, null, Duration.ofMillis(100))
        : Mono.delay(SETTLE.plusSeconds(1), vts).then(a.error(401, null, Duration.ZERO));
    api.listBehaviour = (a, space, n) -> n == 1 ? Mono.just(a.page(space))
        : Mono.error(new ListingException("busy", new Reply(503, null, null, null, null)));
    Run r = run(engine(settings().maxAttempts(20)), items(2)).advance(Duration.ofMinutes(5));
    assertThat(r.error.get()).isInstanceOf(ApiKeyRejectedException.class);
    long rejectedAt = SETTLE.plusSeconds(1).toMillis();
    assertThat(api.listStartsMs).filteredOn(t -> t > 0).isNotEmpty()
        .allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(rejectedAt));
    assertThat(api.listsInFlight.get()).isZero();
  }

  @Test
  void cancellingTheRunCancelsAFirstListingInFlight() {
    api.listBehaviour = (a, space, n) -> Mono.never();
    Run r = run(engine(settings()), items(3)).advance(Duration.ofSeconds(1));
    assertThat(api.listsInFlight.get()).isEqualTo(1);
    r.subscription.dispose();
    assertThat(api.listsInFlight.get()).isZero();
  }

  @Test
  void aRejectedKeyStopsTheFirstListingsOfOtherSpacesToo() {
    // space sp lists at once and its create is answered 401 at 1s; sp2's first listing meets 503s
    api.behaviour = (a, it, n) -> a.error(401, null, Duration.ofSeconds(1));
    api.listBehaviour = (a, space, n) -> space.equals("sp") ? Mono.just(a.page(space))
        : Mono.error(new ListingException("busy", new Reply(503, null, null, null, null)));
    Item other = Item.of("o1", "sp2", new CreateRuntimeRequest(null, "o1", null, null, null, null));
    Run r = run(engine(settings().maxAttempts(20)), List.of(item("k0"), other)).advance(Duration.ofMinutes(5));
    assertThat(r.error.get()).isInstanceOf(ApiKeyRejectedException.class);
    assertThat(api.listStartsMs).isNotEmpty().allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(1_000L));
    assertThat(api.listsInFlight.get()).isZero();
  }

  @Test
  void aRetrySafeFailureAfterAnUncertainAttemptKeepsTheSettleListingBetweenThem() {
    // 1: 500 (uncertain) ends at 0.1s; the listing at 10.1s must come before attempt 2 (503, not
    // processed), whose retry needs no listing of its own; 4: 502 again needs one at 10s after it
    api.behaviour = (a, it, n) -> switch (n) {
      case 1 -> a.error(500, null, Duration.ofMillis(100));
      case 2 -> a.error(503, null, Duration.ofMillis(100));
      case 3 -> a.error(502, null, Duration.ofMillis(100));
      default -> a.create(it, Duration.ofMillis(100));
    };
    Run r = run(engine(settings()), items(1)).advance(Duration.ofMinutes(2));
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.CREATED);
    List<Long> creates = api.creates.stream().map(FakeApi.Call::startMs).collect(Collectors.toList());
    assertThat(creates).hasSize(4);
    assertThat(api.listStartsMs).hasSize(3);
    assertThat(api.listStartsMs.get(1)).isGreaterThanOrEqualTo(100 + SETTLE.toMillis())
        .isLessThanOrEqualTo(creates.get(1));
    assertThat(api.listStartsMs.get(2)).isGreaterThanOrEqualTo(creates.get(2) + 100 + SETTLE.toMillis())
        .isLessThanOrEqualTo(creates.get(3));
  }

  @Test
  void aStopWhileAnItemWaitsToSettleAbortsItWithoutAnotherCreate() {
    api.behaviour = (a, it, n) -> a.error(504, null, Duration.ofMillis(100));
    Sinks.Many<Duration> stop = Sinks.many().multicast().onBackpressureBuffer();
    Run r = run(engine(settings()), Flux.fromIterable(items(1)), stop.asFlux());
    r.advance(Duration.ofSeconds(5));
    stop.tryEmitNext(Duration.ofSeconds(30));
    r.advance(Duration.ofMinutes(1));
    assertThat(r.completed).isTrue();
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.ABORTED);
    assertThat(api.creates).hasSize(1);
    assertThat(api.listStartsMs).containsExactly(0L);
  }

  @Test
  void attemptsRunningOutWhileSettlingStillLetTheListingAdoptTheRuntime() {
    api.behaviour = (a, it, n) -> Mono.delay(Duration.ofMillis(100), vts).map(x -> {
      vts.schedule(() -> a.createNow(it, RuntimeStatus.ACTIVE), 5, TimeUnit.SECONDS);
      return new Reply(500, null, null, null, null);
    });
    Run r = run(engine(settings().maxAttempts(1)), items(1)).advance(Duration.ofMinutes(1));
    assertThat(r.result("k0").outcome()).isEqualTo(Outcome.ADOPTED);
    assertThat(api.creates).hasSize(1);
  }

  static <T> Function<T, T> id() {
    return Function.identity();
  }
}
