package ai.bctrl.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.sandbox.FaultKind;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import ai.bctrl.provisioner.sandbox.SandboxStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The real HTTP stack against the sandbox on an ephemeral port, asserting on the sandbox's own
 * record of what it received and created.
 */
class ProvisionerE2ETest {
  private static final long SEED = 20261129L;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(open);
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private SandboxServer sandbox(SandboxConfig.Builder b) {
    SandboxServer s = SandboxServer.start(b.port(0).seed(SEED).build());
    open.add(s);
    return s;
  }

  private static SandboxConfig.Builder fast() {
    return SandboxConfig.builder().latency(Duration.ofMillis(2), Duration.ofMillis(5));
  }

  private Provisioner provisioner(SandboxServer s, Provisioner.Builder b) {
    Provisioner p = b.baseUrl(s.baseUrl()).build();
    open.add(p);
    return p;
  }

  private static Provisioner.Builder settings(SandboxServer s) {
    return Provisioner.builder().apiKey(s.apiKey()).concurrency(8).rate(0).maxAttempts(20)
        .settleDelay(Duration.ofMillis(200)).backoff(Duration.ofMillis(5), Duration.ofMillis(50))
        .requestTimeout(Duration.ofSeconds(5)).maxConsecutiveFailures(10_000).random(new Random(SEED));
  }

  static List<Item> items(String prefix, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> Item.of(prefix + i, "sp_e2e", new CreateRuntimeRequest(null, prefix + i, null, null, null, null)))
        .collect(Collectors.toList());
  }

  /** Results and the terminal error of a run. */
  record Outcomes(List<ItemResult> results, Throwable error) {
    Map<Outcome, Long> counts() {
      return results.stream().collect(Collectors.groupingBy(ItemResult::outcome, Collectors.counting()));
    }
  }

  static Outcomes run(Provisioner p, List<Item> items) {
    List<ItemResult> results = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Throwable> error = new AtomicReference<>();
    p.provision(Flux.fromIterable(items)).doOnNext(results::add).doOnError(error::set)
        .onErrorComplete().blockLast(Duration.ofSeconds(60));
    return new Outcomes(results, error.get());
  }

  private static void assertEveryItemExactlyOnce(SandboxStats st, List<Item> items, Outcomes o) {
    assertThat(o.error()).isNull();
    assertThat(o.results()).hasSize(items.size())
        .allSatisfy(r -> assertThat(r.outcome()).isIn(Outcome.CREATED, Outcome.ADOPTED));
    assertThat(st.duplicates()).isZero();
    for (Item i : items) {
      assertThat(st.createsByKey().get(i.key())).as("creates of %s", i.key()).isEqualTo(1);
    }
  }

  /**
   * Neither the client nor the sandbox ever has more than {@code concurrency} creates in flight.
   * (The sandbox stops counting a create as its answer goes out, so a client that sends its next
   * request the moment it reads an answer is not seen one over.)
   */
  private static void assertConcurrencyHeld(Provisioner p, SandboxStats st, int concurrency) {
    assertThat(p.stats().maxInFlight()).isBetween(1, concurrency);
    assertThat(st.maxInFlight()).isBetween(1, concurrency);
  }

  @Test
  void withFaultsBeforeCreatingEveryItemIsCreatedExactlyOnce() {
    SandboxServer s = sandbox(fast().faults(Map.of(FaultKind.HTTP_503, 0.10, FaultKind.HTTP_500, 0.05,
        FaultKind.HTTP_429, 0.05, FaultKind.RESET_BEFORE, 0.05)));
    List<Item> items = items("a", 120);
    Provisioner p = provisioner(s, settings(s));
    Outcomes o = run(p, items);
    SandboxStats st = s.stats();
    assertEveryItemExactlyOnce(st, items, o);
    assertThat(o.results()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.CREATED));
    assertThat(st.faults(FaultKind.HTTP_503)).isPositive();
    assertThat(st.faults(FaultKind.HTTP_500)).isPositive();
    assertThat(st.faults(FaultKind.HTTP_429)).isPositive();
    assertThat(st.faults(FaultKind.RESET_BEFORE)).isPositive();
    assertConcurrencyHeld(p, st, 8);
    assertThat(p.stats().retries().get(RetryCause.RATE_LIMITED)).isEqualTo(st.faults(FaultKind.HTTP_429));
  }

  @Test
  void withAnswersLostAfterCreatingAndNoIdempotencyEveryItemExistsExactlyOnce() {
    // A hold answers nothing for 2s, then creates: the client has given up after 1s, and settles
    // with a listing 2s after that, when the held create has long happened.
    SandboxServer s = sandbox(fast().idempotency(false).hold(Duration.ofSeconds(2))
        .faults(Map.of(FaultKind.RESET_AFTER, 0.10, FaultKind.HOLD, 0.03, FaultKind.TRUNCATE, 0.03)));
    List<Item> items = items("b", 300);
    Provisioner p = provisioner(s, settings(s).concurrency(16).requestTimeout(Duration.ofSeconds(1))
        .settleDelay(Duration.ofSeconds(2)));
    Outcomes o = run(p, items);
    SandboxStats st = s.stats();
    assertEveryItemExactlyOnce(st, items, o);
    assertThat(st.faults(FaultKind.RESET_AFTER)).isPositive();
    assertThat(st.faults(FaultKind.HOLD)).isPositive();
    assertThat(st.faults(FaultKind.TRUNCATE)).isPositive();
    long lost = st.faults(FaultKind.RESET_AFTER) + st.faults(FaultKind.HOLD) + st.faults(FaultKind.TRUNCATE);
    // every lost answer is adopted; answers slowed past the timeout by a busy machine may add more
    assertThat(o.counts().get(Outcome.ADOPTED)).isGreaterThanOrEqualTo(lost);
    assertConcurrencyHeld(p, st, 16);
  }

  @Test
  void aCreatedButFailedRuntimeIsUnhealthyAndA502WithAnHtmlBodyIsSettled() {
    SandboxServer s = sandbox(fast().faults(Map.of(FaultKind.FAILED, 0.2, FaultKind.HTTP_502, 0.1)));
    List<Item> items = items("f", 100);
    Provisioner p = provisioner(s, settings(s));
    Outcomes o = run(p, items);
    SandboxStats st = s.stats();
    assertThat(o.error()).isNull();
    assertThat(st.duplicates()).isZero();
    assertThat(st.faults(FaultKind.FAILED)).isPositive();
    assertThat(st.faults(FaultKind.HTTP_502)).isPositive();
    assertThat(o.counts().get(Outcome.UNHEALTHY)).isEqualTo(st.faults(FaultKind.FAILED));
    assertThat(o.results()).filteredOn(r -> r.outcome() == Outcome.UNHEALTHY).allSatisfy(r -> {
      assertThat(r.runtimeId()).isNotBlank();
      assertThat(r.status()).isEqualTo(ai.bctrl.provisioner.model.RuntimeStatus.FAILED);
    });
    assertThat(o.counts().get(Outcome.CREATED) + o.counts().get(Outcome.UNHEALTHY)).isEqualTo(100L);
    assertThat(p.stats().settles()).isEqualTo(st.faults(FaultKind.HTTP_502));
  }

  @Test
  void theSandboxNeverSeesMoreStartsThanTheRateAllowsNorMoreCallsThanTheConcurrency() {
    // Warm the JVM up first on another sandbox, so class loading does not delay the first arrivals
    // of the measured run (which would squeeze its starts together at the server).
    SandboxServer warm = sandbox(fast());
    run(provisioner(warm, settings(warm)), items("warm", 20));
    SandboxServer s = sandbox(fast());
    List<Item> items = items("c", 60);
    double rate = 40;
    int burst = 4;
    Provisioner p = provisioner(s, settings(s).concurrency(6).rate(rate).burst(burst));
    Outcomes o = run(p, items);
    SandboxStats st = s.stats();
    assertEveryItemExactlyOnce(st, items, o);
    assertConcurrencyHeld(p, st, 6);
    List<Long> starts = new ArrayList<>(st.createStartNanos());
    Collections.sort(starts);
    assertThat(starts).hasSize(60);
    // Arrival times at the server vary by the transport's delays (large on a busy 2-core machine);
    // the limiter itself is checked exactly on virtual time in TokenBucketTest.
    double jitterSeconds = 0.100;
    for (int i = 0; i < starts.size(); i++) {
      for (int j = i; j < starts.size(); j++) {
        double window = (starts.get(j) - starts.get(i)) / 1e9;
        assertThat((double) (j - i + 1)).as("%d starts within %.4fs", j - i + 1, window)
            .isLessThanOrEqualTo(rate * (window + jitterSeconds) + burst);
      }
    }
  }

  @Test
  void aLearnedRateFindsTheSandboxsLimitWastingFewCalls() {
    SandboxServer s = sandbox(fast().rate(30, 5));
    List<Item> items = items("auto", 150);
    List<Double> rates = Collections.synchronizedList(new ArrayList<>());
    Provisioner p = provisioner(s, settings(s).autoRate().listener(new ProvisionerListener() {
      @Override
      public void rateChanged(RateChanged e) {
        rates.add(e.rate());
      }
    }));
    Outcomes o = run(p, items);
    SandboxStats st = s.stats();
    assertEveryItemExactlyOnce(st, items, o);
    assertThat(rates.get(0)).as("it starts modestly").isCloseTo(10.0, within(0.5));
    assertThat(rates).as("it climbed past the limit, then was cut below it").anyMatch(r -> r > 30)
        .anyMatch(r -> r < 30);
    // each 429 holds the space for its Retry-After (1 s): only a few are answered before the rate
    // is learned; the bound leaves room for a busy machine's jitter
    assertThat(st.requests(429)).as("calls answered 429").isBetween(1L, 12L);
  }

  @Test
  void aWrongKeyStopsTheRunWithinConcurrencyCalls() {
    SandboxServer s = sandbox(fast().apiKey("the-right-key"));
    Provisioner p = provisioner(s, settings(s).apiKey("a-wrong-key"));
    Outcomes o = run(p, items("d", 50));
    assertThat(o.error()).isInstanceOf(ApiKeyRejectedException.class)
        .hasMessageStartingWith("the API rejected the API key while listing space sp_e2e (HTTP 401")
        .hasMessageNotContaining("a-wrong-key");
    assertThat(s.stats().createRequests()).isLessThanOrEqualTo(8);
    assertThat(o.results()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.ABORTED));
  }

  @Test
  void aQuotaStopsTheRunAndASecondRunAfterRaisingItCreatesTheRestOnce() {
    SandboxServer s = sandbox(fast().maxActive(50));
    List<Item> items = items("e", 80);
    Provisioner p = provisioner(s, settings(s));
    Outcomes first = run(p, items);
    assertThat(first.error()).isInstanceOf(QuotaExceededException.class)
        .hasMessageStartingWith("the concurrent runtime quota is reached (browser.concurrent_quota_exceeded: ");
    assertThat(first.counts()).containsEntry(Outcome.CREATED, 50L);
    assertThat(first.counts().keySet()).containsOnly(Outcome.CREATED, Outcome.ABORTED);
    assertThat(s.stats().createsByKey()).hasSize(50);

    s.reconfigure(fast().maxActive(200).build());
    Outcomes second = run(p, items);
    assertThat(second.error()).isNull();
    assertThat(second.counts()).containsEntry(Outcome.ADOPTED, 50L).containsEntry(Outcome.CREATED, 30L);
    SandboxStats st = s.stats();
    assertThat(st.duplicates()).isZero();
    assertThat(st.createsByKey()).hasSize(80);
  }
}
