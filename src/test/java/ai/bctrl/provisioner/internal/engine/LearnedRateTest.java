package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bctrl.provisioner.internal.engine.LearnedRate.Phase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The learned rate's curve and its answers to a 429, as pure arithmetic on a made-up clock. The
 * curve moves on by one interval per answer, so "t seconds" below is t seconds of answers at the
 * rate.
 */
class LearnedRateTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final long T0 = 1_000 * S;

  private final LearnedRate rate = new LearnedRate(LearnedRate.Tuning.DEFAULT, 0, T0);
  private long now = T0;
  /** The starts since the last pause ended. */
  private final List<Long> cycle = new ArrayList<>();

  /** Calls start at the rate and are answered (not 429) for {@code seconds} of the curve's clock. */
  private void answersFor(LearnedRate r, double seconds) {
    double until = r.clock() + seconds;
    while (r.clock() < until - 1e-9) {
      now = Math.max(now, r.nextStart(now));
      r.started(now);
      cycle.add(now);
      r.answered(now, now);
    }
  }

  /** A call started now is answered 429 at once; its 1 s pause ends; returns when. */
  private long throttled(LearnedRate r) {
    now = Math.max(now, r.nextStart(now));
    r.started(now);
    r.rateLimited(now, now + MS, now + MS + S);
    now += MS + S;
    cycle.clear();
    return now;
  }

  /**
   * The lowest limit {@link #cycle}'s starts fit under, had the server a token bucket of a quarter
   * second of its limit: for every run of n calls ending at the throttled start, t long, n <= L/4 + L t.
   */
  private double lowestLimit(long throttledAt) {
    double lowest = 0.5;
    for (int i = cycle.size() - 1, n = 1; i >= 0; i--, n++) {
      lowest = Math.max(lowest, n / ((throttledAt - cycle.get(i)) / 1e9 + 0.25));
    }
    return lowest;
  }

  @Test
  void startsModestlyAndDoublesEveryHalfSecondWhileCallsAreAnswered() {
    assertThat(rate.rate(now)).isEqualTo(10.0);
    answersFor(rate, 0.5);
    assertThat(rate.rate(now)).isCloseTo(20.0, within(0.5));
    answersFor(rate, 1.5);
    assertThat(rate.rate(now)).isCloseTo(160.0, within(3.0));
    assertThat(rate.phase()).isEqualTo(Phase.SLOW_START);
  }

  @Test
  void aRateNobodyUsesDoesNotClimb() {
    answersFor(rate, 0.5);
    double r = rate.rate(now);
    assertThat(rate.rate(now + 60 * S)).as("a minute with no answers").isEqualTo(r);
  }

  @Test
  void theFirst429TakesTheRateToTheLowestLimitTheCallsSoFarFitUnderThenClimbsBackTowardsWhereItFailed() {
    answersFor(rate, 2);
    double x = rate.rate(now);
    long at = Math.max(now, rate.nextStart(now));
    double fit = lowestLimit(at);
    throttled(rate);
    assertThat(fit).isBetween(x / 3, x / 1.5);
    assertThat(rate.working()).isCloseTo(fit, within(1e-9));
    assertThat(rate.rate(now)).isCloseTo(fit, within(1e-9));
    assertThat(rate.phase()).isEqualTo(Phase.CREEP);
    answersFor(rate, 5);
    assertThat(rate.rate(now)).isCloseTo((fit + 0.99 * x) / 2, within(x / 100));
    answersFor(rate, 5);
    assertThat(rate.rate(now)).isCloseTo(0.99 * x, within(x / 100));
    answersFor(rate, 0.1);
    assertThat(rate.phase()).isEqualTo(Phase.PROBE);
  }

  @Test
  void a429ToACallSentBeforeTheLastCutIsIgnoredAndItsAnswersDoNotMoveTheCurve() {
    answersFor(rate, 2);
    long before = now;
    rate.started(before);
    throttled(rate);
    double w = rate.working();
    double clock = rate.clock();
    assertThat(rate.rateLimited(before, now, now + S)).isFalse();
    rate.answered(before, now);
    assertThat(rate.working()).isEqualTo(w);
    assertThat(rate.clock()).isEqualTo(clock);
  }

  @Test
  void a429WhileClimbingTakesTheRateToTheLowestLimitTheCyclesCallsFitUnder() {
    answersFor(rate, 2);
    throttled(rate);
    answersFor(rate, 3);                        // creeping
    double x = rate.rate(now);
    double fit = lowestLimit(Math.max(now, rate.nextStart(now)));
    throttled(rate);
    assertThat(fit).isLessThan(x);
    assertThat(rate.working()).isCloseTo(fit, within(1e-9));
  }

  @Test
  void aWorkingRateHeldAWholeHoldIsNotGivenUpForALowerFit() {
    answersFor(rate, 2);
    throttled(rate);
    answersFor(rate, 3);
    throttled(rate);                            // now holding W for 5 s
    double w = rate.working();
    answersFor(rate, 5.5);                      // creeping
    throttled(rate);                            // at once: the fit over half a second is low
    assertThat(rate.working()).isEqualTo(w);
  }

  @Test
  void holdsTwiceAsLongEachTimeTheLimitIsFoundWhereItWasUpToThirtySeconds() {
    answersFor(rate, 2);
    throttled(rate);
    double[] holds = new double[5];
    for (int i = 0; i < holds.length; i++) {
      double start = rate.clock();
      while (rate.phase() != Phase.CREEP) {
        answersFor(rate, 0.05);
      }
      holds[i] = Math.round(rate.clock() - start);
      answersFor(rate, 3);                      // the creep meets the limit again
      throttled(rate);
    }
    assertThat(holds).containsExactly(0.0, 5.0, 10.0, 20.0, 30.0);
  }

  @Test
  void afterAHoldAndACreepItProbesFasterAndFaster() {
    answersFor(rate, 2);
    throttled(rate);
    answersFor(rate, 3);                        // creeping
    throttled(rate);                            // found while creeping: now holding 5 s
    double w = rate.working();
    answersFor(rate, 4.9);
    assertThat(rate.phase()).isEqualTo(Phase.HOLD);
    assertThat(rate.rate(now)).isEqualTo(w);
    answersFor(rate, 10);
    assertThat(rate.phase()).isEqualTo(Phase.CREEP);
    answersFor(rate, 0.2);
    double top = rate.rate(now);
    answersFor(rate, 2);
    assertThat(rate.phase()).isEqualTo(Phase.PROBE);
    assertThat(rate.rate(now)).isGreaterThan(top * Math.exp(Math.log(1.2) * 1.7 + 0.1 * 1.7 * 1.7 / 2));
  }

  @Test
  void aProbeThatFindsTheLimitHigherHoldsNothingAndCreepsOnFromTheFit() {
    answersFor(rate, 2);
    throttled(rate);
    answersFor(rate, 3);
    throttled(rate);                            // holding 5 s
    double w = rate.working();
    answersFor(rate, 18);                       // the hold, the creep, 3 s of probing: the limit rose
    assertThat(rate.phase()).isEqualTo(Phase.PROBE);
    double x = rate.rate(now);
    double fit = lowestLimit(Math.max(now, rate.nextStart(now)));
    throttled(rate);
    assertThat(rate.working()).isCloseTo(fit, within(1e-9)).isGreaterThan(1.05 * w);
    assertThat(rate.phase()).isEqualTo(Phase.CREEP);
    answersFor(rate, 5);
    assertThat(rate.rate(now)).isCloseTo((fit + 0.99 * x) / 2, within(x / 100));
  }

  @Test
  void a429WhileHoldingMeansTheLimitFellAndTheSoonerItCameTheDeeperTheCut() {
    double[][] cases = {{0.1, 0.5}, {0.5, 0.7}, {2, 0.85}, {4, 0.99}};
    for (double[] c : cases) {
      LearnedRate r = new LearnedRate(LearnedRate.Tuning.DEFAULT, 0, now);
      answersFor(r, 2);
      throttled(r);
      answersFor(r, 3);
      throttled(r);                             // found while creeping: now holding 5 s
      double w = r.working();
      now += (long) (c[0] * S);                 // the throttled call starts this long after the pause
      assertThat(r.phase()).isEqualTo(Phase.HOLD);
      throttled(r);
      assertThat(r.working()).as("a 429 %.2f s after the pause", c[0]).isCloseTo(c[1] * w, within(1e-6));
    }
  }

  @Test
  void aLate429WhileHoldingMayBeAStrayOneTheNextIsBelieved() {
    answersFor(rate, 2);
    throttled(rate);
    answersFor(rate, 3);
    throttled(rate);                            // found while creeping: now holding 5 s
    double w = rate.working();
    answersFor(rate, 4);
    throttled(rate);                            // 4 s into the hold: perhaps stray
    assertThat(rate.working()).isCloseTo(0.99 * w, within(1e-9));
    assertThat(rate.phase()).isEqualTo(Phase.HOLD);
    answersFor(rate, 0.9);
    assertThat(rate.phase()).as("the hold goes on for what was left of it").isEqualTo(Phase.HOLD);
    answersFor(rate, 0.2);
    assertThat(rate.phase()).isEqualTo(Phase.CREEP);
  }

  @Test
  void twoLate429sInARowWhileHoldingCutByFivePercent() {
    answersFor(rate, 2);
    throttled(rate);
    answersFor(rate, 3);
    throttled(rate);
    double w = rate.working();
    answersFor(rate, 3.5);
    throttled(rate);                            // stray?
    answersFor(rate, 1.0);
    now += 3 * S;
    throttled(rate);                            // no: believed
    assertThat(rate.working()).isCloseTo(0.99 * w * 0.95, within(1e-9));
  }

  @Test
  void neverGoesAboveTheCeilingNorBelowTheFloor() {
    LearnedRate capped = new LearnedRate(LearnedRate.Tuning.DEFAULT, 25, T0);
    answersFor(capped, 10);
    assertThat(capped.rate(now)).isEqualTo(25.0);
    LearnedRate low = new LearnedRate(LearnedRate.Tuning.DEFAULT, 4, T0);
    assertThat(low.rate(now)).isEqualTo(4.0);
    for (int i = 0; i < 20; i++) {
      throttled(low);
      now -= S - 100 * MS;                      // each 429 0.1 s after the last pause
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
}
