package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The AWS-style reference does what botocore's adaptive mode does, on a made-up clock. */
class AwsAdaptiveReferenceTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 1_000 * S;

  /** 40 answers a second for 3 s: the measured rate settles near 40. */
  private static long answerAt40(AwsAdaptiveReference aws, long from) {
    long t = from;
    for (int i = 0; i < 120; i++) {
      t += S / 40;
      aws.answered(t, t);
    }
    return t;
  }

  @Test
  void limitsNothingUntilTheFirstThrottle() {
    AwsAdaptiveReference aws = new AwsAdaptiveReference(T0);
    long t = answerAt40(aws, T0);
    assertThat(aws.nextStart(t)).isEqualTo(t);
    assertThat(aws.rate(t)).isInfinite();
  }

  @Test
  void aThrottleCutsToSevenTenthsOfTheMeasuredRateThenCubicClimbsBackToItAfterK() {
    AwsAdaptiveReference aws = new AwsAdaptiveReference(T0);
    long t = answerAt40(aws, T0);
    aws.rateLimited(t, t, t);
    double cut = aws.rate(t);
    assertThat(cut).isBetween(0.7 * 38, 0.7 * 40.5);
    double wMax = cut / 0.7;
    double k = Math.cbrt(wMax * 0.3 / 0.4);
    // answers keep the measured rate near 40, so the cap of twice it does not bind
    long back = t + (long) (k * S);
    for (long u = t; u < back; u += S / 40) {
      aws.answered(u, u);
    }
    aws.answered(back, back);
    assertThat(aws.rate(back)).isCloseTo(wMax, within(0.5));
  }

  @Test
  void itsBucketHoldsUpToOneSecondOfTokens() {
    AwsAdaptiveReference aws = new AwsAdaptiveReference(T0);
    long t = answerAt40(aws, T0);
    aws.rateLimited(t, t, t);
    double rate = aws.rate(t);
    long later = t + 10 * S;                    // idle: the bucket fills to its capacity, the rate
    int burst = 0;
    while (aws.nextStart(later) <= later) {
      aws.started(later);
      burst++;
    }
    assertThat(burst).isEqualTo((int) Math.floor(rate));
  }
}
