package ai.bctrl.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void percentilesAreExactBelowOneSecondAndWithinTwoPercentAbove() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    Latencies.Recorder rec = Latencies.recorder();
    long[] values = new long[5000];
    for (int i = 0; i < values.length; i++) {
      values[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(1000) : (long) Math.exp(rnd.nextDouble() * 14);
      rec.record(values[i]);
    }
    Arrays.sort(values);
    Latencies l = rec.snapshot();
    assertThat(l.count()).isEqualTo(values.length);
    assertThat(l.maxMs()).isEqualTo(values[values.length - 1]);
    for (double q : new double[] {0.01, 0.5, 0.9, 0.99, 1.0}) {
      long exact = values[(int) Math.ceil(q * values.length) - 1];
      long got = l.percentileMs(q);
      if (exact < 1024) {
        assertThat(got).as("seed %d q %s", seed, q).isEqualTo(exact);
      } else {
        assertThat((double) got).as("seed %d q %s", seed, q).isBetween(exact * 0.98, exact * 1.02);
      }
    }
  }

  @Test
  void anEmptyHistogramAnswersZero() {
    Latencies l = Latencies.recorder().snapshot();
    assertThat(l.count()).isZero();
    assertThat(l.percentileMs(0.99)).isZero();
    assertThat(l.maxMs()).isZero();
  }

  @Test
  void aQuantileOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> Latencies.recorder().snapshot().percentileMs(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("q must be within 0..1 but was 1.5");
  }
}
