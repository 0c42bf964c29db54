package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The learned rate beside the AWS-style reference on the same simulated limits, on virtual time:
 * the benchmark's comparison ({@code bench/rate-auto}) in miniature, pinned.
 */
class LearnedRateVersusAwsTest {
  private static final Duration LATENCY = Duration.ofMillis(20);
  private static final Duration RUN = Duration.ofSeconds(90);

  private static SimulatedLimit learned(double limit, UnaryOperator<SimulatedLimit> schedule) {
    return schedule.apply(new SimulatedLimit(limit, 5, LATENCY, 0)).run(32, RUN);
  }

  private static SimulatedLimit aws(double limit, boolean pauses, UnaryOperator<SimulatedLimit> schedule) {
    return schedule.apply(new SimulatedLimit(limit, 5, LATENCY, (s, l) -> AwsAdaptiveReference.limiter(s, pauses, l)))
        .run(32, RUN);
  }

  @Test
  void atASteadyLimitItIsAnswered429FarLessOftenForNearlyAsMuchThroughput() {
    UnaryOperator<SimulatedLimit> steady = s -> s;
    SimulatedLimit learned = learned(40, steady);
    SimulatedLimit aws = aws(40, false, steady);
    SimulatedLimit awsPaused = aws(40, true, steady);
    assertThat(learned.rejected.size()).isLessThan(aws.rejected.size() / 5);
    // each 429 holds the learned rate's space for its Retry-After: a second's calls, where botocore's
    // way loses only the one call; under the same rule the reference collapses
    assertThat(learned.acceptedRate(10, 90)).isGreaterThan(0.95 * aws.acceptedRate(10, 90));
    assertThat(learned.acceptedRate(10, 90)).isGreaterThan(2 * awsPaused.acceptedRate(10, 90));
  }

  @Test
  void aroundALimitThatDropsOrRisesItIsAnswered429FarLessOften() {
    UnaryOperator<SimulatedLimit> drop = s -> s.limitFrom(Duration.ofSeconds(30), 20);
    UnaryOperator<SimulatedLimit> rise = s -> s.limitFrom(Duration.ofSeconds(30), 60);
    assertThat(learned(60, drop).rejected.size()).isLessThan(aws(60, false, drop).rejected.size() / 4);
    assertThat(learned(20, rise).rejected.size()).isLessThan(aws(20, false, rise).rejected.size() / 4);
  }
}
