package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.internal.client.ListingException;
import ai.bctrl.provisioner.internal.client.Reply;
import ai.bctrl.provisioner.internal.client.TransportException;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Seeded random faults of every kind on virtual time: whatever happens, every item ends exactly
 * once and no key is ever created twice. The seed is printed in every failure message.
 */
class EngineRandomFaultsTest {
  private static final Duration SETTLE = Duration.ofSeconds(15);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void underRandomFaultsEveryItemEndsOnceAndNothingIsCreatedTwice() {
    long base = System.nanoTime();
    for (int round = 0; round < 30; round++) {
      runOnce(base + round);
    }
  }

  private static void runOnce(long seed) {
    Random rnd = new Random(seed);
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    FakeApi api = new FakeApi(vts);
    double faultShare = 0.1 + rnd.nextDouble() * 0.5;
    api.behaviour = (a, it, n) -> {
      Duration latency = Duration.ofMillis(1 + rnd.nextInt(300));
      if (rnd.nextDouble() >= faultShare) {
        return a.create(it, latency);
      }
      switch (rnd.nextInt(9)) {
        case 0:
          return a.error(503, rnd.nextBoolean() ? "2" : null, latency);
        case 1:
          return a.error(429, "1", latency);
        case 2: // 500, created or not
          return Mono.delay(latency, vts).map(x -> {
            if (rnd.nextBoolean()) {
              a.createNow(it, RuntimeStatus.ACTIVE);
            }
            return new Reply(500, null, null, null, null);
          });
        case 3: // reset after creating
          return Mono.delay(latency, vts).flatMap(x -> {
            a.createNow(it, RuntimeStatus.ACTIVE);
            return Mono.error(new TransportException(TransportException.Kind.RESET, true, "reset", null));
          });
        case 4: // reset before anything
          return Mono.delay(latency, vts).then(Mono.error(
              new TransportException(TransportException.Kind.RESET, false, "reset", null)));
        case 5: { // held past the timeout, created later but before the settle delay has passed
          long createAt = TIMEOUT.toMillis() + rnd.nextInt((int) SETTLE.toMillis() - 1);
          vts.schedule(() -> a.createNow(it, RuntimeStatus.ACTIVE), createAt, TimeUnit.MILLISECONDS);
          return Mono.delay(TIMEOUT, vts).then(Mono.error(
              new TransportException(TransportException.Kind.TIMEOUT, true, "timeout", null)));
        }
        case 6: // truncated 2xx
          return Mono.delay(latency, vts).map(x -> {
            a.createNow(it, RuntimeStatus.ACTIVE);
            return new Reply(200, null, null, null, null);
          });
        case 7: // 409 whose runtime may exist
          return Mono.delay(latency, vts).map(x -> new Reply(409, null, null, null, null));
        default:
          return Mono.delay(latency, vts).map(x -> new Reply(201, a.createNow(it, RuntimeStatus.FAILED), null, null, null));
      }
    };
    api.listBehaviour = (a, space, n) -> rnd.nextDouble() < 0.2
        ? Mono.error(new ListingException("busy", new Reply(503, null, null, null, null)))
        : Mono.just(a.page(space));
    Provisioner.Builder b = Provisioner.builder().baseUrl("http://127.0.0.1:9").apiKey("k").scheduler(vts)
        .clock(new VirtualClock(vts, Instant.EPOCH)).concurrency(1 + rnd.nextInt(8)).rate(rnd.nextInt(20))
        .burst(1 + rnd.nextInt(4)).maxAttempts(1 + rnd.nextInt(6)).settleDelay(SETTLE).requestTimeout(TIMEOUT)
        .maxConsecutiveFailures(1_000_000);
    Engine engine = new Engine(api, b.config(), new Random(seed));
    int n = 50 + rnd.nextInt(100);
    int spaces = 1 + rnd.nextInt(4);
    List<Item> items = java.util.stream.IntStream.range(0, n).mapToObj(i -> Item.of("k" + i, "sp" + (i % spaces),
        new ai.bctrl.provisioner.model.CreateRuntimeRequest(null, "k" + i, null, null, null, null)))
        .collect(Collectors.toList());
    List<ItemResult> results = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Throwable> error = new AtomicReference<>();
    engine.provision(Flux.fromIterable(items), Flux.never(), true).subscribe(results::add, error::set);
    vts.advanceTimeBy(Duration.ofHours(6));
    String why = "seed " + seed;
    assertThat(error.get()).as(why).isNull();
    assertThat(results).as(why).hasSize(n);
    Map<String, Long> perKey = results.stream().collect(Collectors.groupingBy(ItemResult::key, Collectors.counting()));
    assertThat(perKey).as(why).hasSize(n).allSatisfy((k, c) -> assertThat(c).as(why).isEqualTo(1));
    assertThat(api.duplicates()).as(why + ": keys created twice").isZero();
    assertThat(api.listsInFlight.get()).as(why + ": listing calls left running").isZero();
    assertThat(api.maxListsInFlight.get()).as(why).isLessThanOrEqualTo(Engine.MAX_LISTING_CALLS);
    for (ItemResult r : results) {
      assertThat(r.outcome()).as(why).isIn(Outcome.CREATED, Outcome.ADOPTED, Outcome.UNHEALTHY, Outcome.FAILED,
          Outcome.UNKNOWN);
      if (r.outcome() == Outcome.CREATED || r.outcome() == Outcome.ADOPTED || r.outcome() == Outcome.UNHEALTHY) {
        assertThat(api.server).as(why + " " + r.key()).containsKey(r.key());
        assertThat(r.runtimeId()).as(why).isEqualTo("rt_" + r.key());
      }
    }
  }

}
