package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bctrl.provisioner.internal.engine.LearnedRate.Phase;
import org.junit.jupiter.api.Test;

/** The learned rate's curve and its answers to a 429, as pure arithmetic on a made-up clock. */
class LearnedRateTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final long T0 = 1_000 * S;

  private final LearnedRate rate = new LearnedRate(LearnedRate.Tuning.DEFAULT, 0, T0);

  @Test
  void startsModestlyAndDoublesEveryHalfSecondWhileCallsSucceed() {
    rate.waiting(true, T0);
    assertThat(rate.rate(T0)).isEqualTo(10.0);
    assertThat(rate.rate(T0 + S / 2)).isCloseTo(20.0, within(1e-9));
    assertThat(rate.rate(T0 + 2 * S)).isCloseTo(160.0, within(1e-9));
    assertThat(rate.phase(T0 + 2 * S)).isEqualTo(Phase.SLOW_START);
  }

  @Test
  void aTimeNobodyWaitedForAStartDoesNotMoveTheCurve() {
    rate.waiting(true, T0);
    rate.waiting(false, T0 + S / 2);            // 20/s, then the rate stops being what holds calls back
    rate.waiting(true, T0 + 10 * S);
    assertThat(rate.rate(T0 + 10 * S)).isCloseTo(20.0, within(1e-9));
    assertThat(rate.rate(T0 + 10 * S + S / 2)).isCloseTo(40.0, within(1e-9));
  }

  @Test
  void theFirst429HalvesTheRateItWasSentAtThenClimbsBackTowardsItAfterThePause() {
    long resumed = slowStartCutAt160();
    assertThat(rate.working()).isCloseTo(80.0, within(1e-9));
    assertThat(rate.rate(resumed - S / 2)).isCloseTo(80.0, within(1e-9)); // during the pause
    assertThat(rate.phase(resumed + S)).isEqualTo(Phase.CREEP);
    assertThat(rate.rate(resumed + 5 * S)).isCloseTo((80 + 0.99 * 160) / 2, within(1e-6));
    assertThat(rate.rate(resumed + 10 * S)).isCloseTo(0.99 * 160, within(1e-6));
    assertThat(rate.phase(resumed + 10 * S + MS)).isEqualTo(Phase.PROBE);
  }

  @Test
  void a429ToACallSentBeforeTheLastCutIsIgnored() {
    long resumed = slowStartCutAt160();
    assertThat(rate.rateLimited(resumed - S - MS, resumed - S + MS, resumed + MS)).isFalse();
    assertThat(rate.working()).isEqualTo(80.0);
  }

  @Test
  void a429WhileClimbingPutsTheRateBelowItByWhatTheServersBurstCouldHaveHidden() {
    long resumed = slowStartCutAt160();
    long start = resumed + 2 * S;
    double slope = (0.99 * 160 - 80) / 10;      // per second squared
    double x = 80 + 2 * slope;
    rate.rateLimited(start, start + MS, start + MS + S);
    assertThat(rate.working()).isCloseTo(x - Math.sqrt(2 * 0.25 * x * slope), within(1e-6));
    assertThat(rate.working()).isLessThan(80);  // the half of slow start was never held: not evidence
  }

  @Test
  void holdsTwiceAsLongEachTimeTheLimitIsFoundWhereItWasUpToThirtySeconds() {
    long resumed = slowStartCutAt160();
    double[] holds = new double[5];
    for (int i = 0; i < holds.length; i++) {
      long creeping = resumed;
      while (rate.phase(creeping) != Phase.CREEP) {
        creeping += 100 * MS;
      }
      holds[i] = (creeping - resumed) / 1e9;
      long start = creeping + 3 * S;            // the creep meets the limit again
      rate.rateLimited(start, start + MS, start + MS + S);
      resumed = start + MS + S;
    }
    assertThat(holds).containsExactly(0.1, 5.1, 10.1, 20.1, 30.1);
  }

  @Test
  void aProbeHoldsFlatThenCreepsThenGrowsFasterAndFaster() {
    long resumed = slowStartCutAt160();
    long start = resumed + 12 * S;              // probing: the creep passed 158.4/s and met no limit
    assertThat(rate.phase(start)).isEqualTo(Phase.PROBE);
    rate.rateLimited(start, start + MS, start + MS + S);
    double w = rate.working();
    resumed = start + MS + S;
    assertThat(rate.rate(resumed + 4 * S)).isEqualTo(w);
    assertThat(rate.phase(resumed + 6 * S)).isEqualTo(Phase.CREEP);
    double top = rate.rate(resumed + 15 * S);
    assertThat(rate.phase(resumed + 16 * S)).isEqualTo(Phase.PROBE);
    assertThat(rate.rate(resumed + 18 * S)).isCloseTo(top * Math.exp(Math.log(1.2) * 3 + 0.1 * 9 / 2), within(1e-6));
  }

  @Test
  void a429WhileHoldingMeansTheLimitFellAndTheSoonerItCameTheDeeperTheCut() {
    double[][] cases = {{0.1, 0.5}, {0.5, 0.7}, {2, 0.85}, {4, 0.95}};
    for (double[] c : cases) {
      LearnedRate r = new LearnedRate(LearnedRate.Tuning.DEFAULT, 0, T0);
      r.rateLimited(T0 + 2 * S, T0 + 2 * S, T0 + 3 * S);       // W = 80
      long creeping = T0 + 3 * S + 5 * S;
      r.rateLimited(creeping, creeping, creeping + S);        // found while creeping: now holding 5 s
      double w = r.working();
      long start = creeping + S + (long) (c[0] * S);
      assertThat(r.phase(start)).isEqualTo(Phase.HOLD);
      r.rateLimited(start, start + MS, start + MS + S);
      assertThat(r.working()).as("a 429 %.2f s after the pause", c[0]).isCloseTo(c[1] * w, within(1e-6));
    }
  }

  @Test
  void neverGoesAboveTheCeilingNorBelowTheFloor() {
    LearnedRate capped = new LearnedRate(LearnedRate.Tuning.DEFAULT, 25, T0);
    assertThat(capped.rate(T0 + 10 * S)).isEqualTo(25.0);
    LearnedRate low = new LearnedRate(LearnedRate.Tuning.DEFAULT, 4, T0);
    assertThat(low.rate(T0)).isEqualTo(4.0);
    long t = T0;
    for (int i = 0; i < 20; i++) {
      t += S / 10;
      low.rateLimited(t, t, t);
    }
    assertThat(low.working()).isEqualTo(0.5);
  }

  @Test
  void startsAreSpacedAtTheRateAndALateTimerDoesNotPushTheNextOnesBack() {
    LearnedRate fixed = new LearnedRate(new LearnedRate.Tuning(10, 1e9, 5, 30, 0, 10, 0, 0, 0.25, 0.5), 0, T0);
    assertThat(fixed.nextStart(T0)).isEqualTo(T0);
    fixed.started(T0);
    assertThat(fixed.nextStart(T0)).isEqualTo(T0 + S / 10);
    fixed.started(T0 + S / 10 + 10 * MS);        // 10 ms late
    assertThat(fixed.nextStart(T0 + S / 10 + 10 * MS)).isEqualTo(T0 + 2 * S / 10);
    fixed.started(T0 + 5 * S);                   // after a long gap: no burst to make it up
    assertThat(fixed.nextStart(T0 + 5 * S)).isEqualTo(T0 + 5 * S + S / 10);
  }

  /** Slow start up to 160/s, a 429 to a call sent then, a 1 s pause; returns when the pause ends. */
  private long slowStartCutAt160() {
    rate.waiting(true, T0);
    long start = T0 + 2 * S;
    assertThat(rate.rateLimited(start, start + MS, start + MS + S)).isTrue();
    return start + MS + S;
  }
}
