package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration BASE = Duration.ofMillis(250);
  private static final Duration CAP = Duration.ofSeconds(30);

  @Test
  void theCeilingDoublesFromTheBaseUntilTheCap() {
    Backoff b = new Backoff(BASE, CAP, new Random(1));
    assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(250));
    assertThat(b.ceiling(2)).isEqualTo(Duration.ofMillis(500));
    assertThat(b.ceiling(5)).isEqualTo(Duration.ofMillis(4000));
    assertThat(b.ceiling(8)).isEqualTo(Duration.ofSeconds(30));
    assertThat(b.ceiling(1000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void everyDelayLiesBetweenZeroAndItsCeilingAndIsSpreadOverIt() {
    long seed = System.nanoTime();
    Backoff b = new Backoff(BASE, CAP, new Random(seed));
    for (int n = 1; n <= 12; n++) {
      Duration ceiling = b.ceiling(n);
      Set<Long> seen = new HashSet<>();
      long sum = 0;
      int samples = 2000;
      for (int i = 0; i < samples; i++) {
        Duration d = b.delay(n, null);
        assertThat(d).as("seed %d n %d", seed, n).isBetween(Duration.ZERO, ceiling);
        seen.add(d.toNanos());
        sum += d.toNanos();
      }
      assertThat(seen).as("seed %d: jittered", seed).hasSizeGreaterThan(samples / 2);
      double mean = (double) sum / samples / ceiling.toNanos();
      assertThat(mean).as("seed %d n %d: full jitter averages half the ceiling", seed, n).isBetween(0.4, 0.6);
    }
  }

  @Test
  void aDelayIsNeverShorterThanTheRetryAfter() {
    Backoff b = new Backoff(BASE, CAP, new Random(7));
    for (int i = 0; i < 100; i++) {
      assertThat(b.delay(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    }
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    Backoff a = new Backoff(BASE, CAP, new Random(42));
    Backoff b = new Backoff(BASE, CAP, new Random(42));
    for (int n = 1; n < 10; n++) {
      assertThat(a.delay(n, null)).isEqualTo(b.delay(n, null));
    }
  }

  @Test
  void retryNumbersStartAtOne() {
    assertThatThrownBy(() -> new Backoff(BASE, CAP, new Random()).ceiling(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("n must be >= 1 but was 0");
  }
}
