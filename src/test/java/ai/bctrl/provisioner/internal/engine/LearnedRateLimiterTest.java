package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bctrl.provisioner.ProvisionerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/** {@code --rate auto} against a simulated limit, on virtual time. */
class LearnedRateLimiterTest {

  @Test
  void findsASteadyLimitAndSettlesJustBelowIt() {
    SimulatedLimit sim = new SimulatedLimit(40, 5, Duration.ofMillis(20), 0).run(32, Duration.ofSeconds(90));
    assertThat(sim.rateAt(90)).isBetween(36.0, 40.0);
    assertThat(sim.acceptedRate(30, 90)).isGreaterThan(0.93 * 40);
    assertThat(sim.rejectedBetween(30, 90)).isLessThanOrEqualTo(4);
  }

  @Test
  void aLimitThatDropsIsFollowedDownWithinFiveSeconds() {
    SimulatedLimit sim = new SimulatedLimit(60, 5, Duration.ofMillis(20), 0)
        .limitFrom(Duration.ofSeconds(30), 20)
        .run(32, Duration.ofSeconds(60));
    assertThat(sim.rateAt(29)).isGreaterThan(0.85 * 60);
    assertThat(sim.rateAt(35)).isBetween(0.85 * 20, 1.1 * 20);
    assertThat(sim.acceptedRate(40, 60)).isGreaterThan(0.9 * 20);
  }

  @Test
  void aLimitThatRisesIsFoundOnceTheHoldEnds() {
    SimulatedLimit sim = new SimulatedLimit(20, 5, Duration.ofMillis(20), 0)
        .limitFrom(Duration.ofSeconds(30), 60)
        .run(32, Duration.ofSeconds(90));
    assertThat(sim.rateAt(29)).isBetween(17.0, 20.5);
    assertThat(sim.acceptedRate(75, 90)).isGreaterThan(0.85 * 60);
  }

  @Test
  void neverGoesAboveTheMaxRate() {
    SimulatedLimit sim = new SimulatedLimit(1000, 5, Duration.ofMillis(20), 25).run(32, Duration.ofSeconds(20));
    assertThat(sim.rates).allSatisfy(r -> assertThat(r[1]).isLessThanOrEqualTo(25.0));
    assertThat(sim.acceptedRate(5, 20)).isBetween(24.0, 25.5);
    assertThat(sim.rejected).isEmpty();
  }

  @Test
  void a429HoldsItsSpaceForTheRetryAfterButNoOtherSpace() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    LearnedRateLimiter limiter = new LearnedRateLimiter(0, vts, new ProvisionerListener() { });
    List<String> starts = new ArrayList<>();
    limiter.acquire("a").subscribe(null, null, () -> starts.add("a0"));
    limiter.acquire("b").subscribe(null, null, () -> starts.add("b0"));
    limiter.rateLimited("a", vts.now(TimeUnit.NANOSECONDS), Duration.ofSeconds(3));
    limiter.acquire("a").subscribe(null, null, () -> starts.add("a1"));
    limiter.acquire("b").subscribe(null, null, () -> starts.add("b1"));
    vts.advanceTimeBy(Duration.ofMillis(2900));
    assertThat(starts).containsExactly("a0", "b0", "b1");
    vts.advanceTimeBy(Duration.ofMillis(200));
    assertThat(starts).containsExactly("a0", "b0", "b1", "a1");
  }

  @Test
  void aCutAppliesAtOnceToCallsAlreadyWaiting() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    LearnedRateLimiter limiter = new LearnedRateLimiter(0, vts, new ProvisionerListener() { });
    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      limiter.acquire("a").subscribe(null, null, () -> starts.add(vts.now(TimeUnit.MILLISECONDS)));
    }
    vts.advanceTimeBy(Duration.ofMillis(1450));             // nothing answered: still 10/s
    assertThat(starts).hasSize(15);
    long t = vts.now(TimeUnit.NANOSECONDS);
    // 15 calls accepted from 0 to 1.4 s fit under 15 / (1.45 s + a quarter second of burst) = 8.8/s
    limiter.rateLimited("a", t - 1, Duration.ofSeconds(1));
    vts.advanceTimeBy(Duration.ofMillis(999));
    assertThat(starts).hasSize(15);
    vts.advanceTimeBy(Duration.ofMillis(1001));
    assertThat(starts.subList(15, starts.size())).containsExactly(2450L, 2563L, 2676L, 2790L, 2903L, 3016L, 3130L,
        3243L, 3356L);
    assertThat(limiter.rate("a")).isCloseTo(15 / 1.7, within(0.01));
  }

  @Test
  void aCancelledWaiterLeavesTheLineAndAnIdleSpaceIsForgotten() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    List<double[]> rates = new ArrayList<>();
    LearnedRateLimiter limiter = new LearnedRateLimiter(0, vts, new ProvisionerListener() {
      @Override
      public void rateChanged(RateChanged e) {
        rates.add(new double[] {e.rate()});
      }
    });
    limiter.acquire("a").subscribe();
    Disposable gone = limiter.acquire("a").subscribe(null, null, () -> rates.add(new double[] {-1}));
    gone.dispose();
    vts.advanceTimeBy(Duration.ofSeconds(5));
    assertThat(rates).noneMatch(r -> r[0] == -1);
    assertThat(limiter.rate("a")).isEqualTo(10.0);
    vts.advanceTimeBy(LearnedRateLimiter.FORGET_AFTER.plusSeconds(1));
    assertThat(limiter.rate("a")).isNaN();
    limiter.acquire("a").subscribe();
    assertThat(limiter.rate("a")).isEqualTo(10.0);
  }
}
