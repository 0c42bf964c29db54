package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

class TokenBucketTest {

  @Test
  void noWindowEverHoldsMoreStartsThanRateTimesWindowPlusBurst() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < 40; round++) {
      double rate = 0.5 + random.nextInt(50) + random.nextDouble();
      int burst = 1 + random.nextInt(10);
      VirtualTimeScheduler vts = VirtualTimeScheduler.create();
      TokenBucket bucket = new TokenBucket(rate, burst, vts);
      List<Long> starts = Collections.synchronizedList(new ArrayList<>());
      int calls = 200 + random.nextInt(200);
      long horizonNanos = (long) (calls / rate * 1e9 / 2);
      for (int i = 0; i < calls; i++) {
        long at = (long) (random.nextDouble() * horizonNanos);
        vts.schedule(() -> bucket.acquire().subscribe(null, null, () -> starts.add(vts.now(TimeUnit.NANOSECONDS))),
            at, TimeUnit.NANOSECONDS);
      }
      vts.advanceTimeBy(Duration.ofNanos(horizonNanos * 4 + 10_000_000_000L));
      assertThat(starts).as("seed %d round %d: all starts happened", seed, round).hasSize(calls);
      List<Long> sorted = new ArrayList<>(starts);
      Collections.sort(sorted);
      for (int i = 0; i < sorted.size(); i++) {
        for (int j = i; j < sorted.size(); j++) {
          double window = (sorted.get(j) - sorted.get(i)) / 1e9;
          int inWindow = j - i + 1;
          assertThat((double) inWindow)
              .as("seed %d: %d starts in a window of %.6fs at rate %.3f burst %d", seed, inWindow, window, rate, burst)
              .isLessThanOrEqualTo(rate * window + burst + 1e-9);
        }
      }
    }
  }

  @Test
  void aFullBucketLetsABurstStartAtOnceThenPacesAtTheRate() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    TokenBucket bucket = new TokenBucket(2, 3, vts);
    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      bucket.acquire().subscribe(null, null, () -> starts.add(vts.now(TimeUnit.MILLISECONDS)));
    }
    vts.advanceTimeBy(Duration.ofSeconds(10));
    assertThat(starts).containsExactly(0L, 0L, 0L, 500L, 1000L);
  }

  @Test
  void aRateTooSlowForNanosecondArithmeticStillLimitsRatherThanOverflowingIntoNoLimit() {
    for (int burst : new int[] {1, 3}) {
      VirtualTimeScheduler vts = VirtualTimeScheduler.create();
      TokenBucket bucket = new TokenBucket(1e-12, burst, vts);
      List<Long> starts = new ArrayList<>();
      for (int i = 0; i < burst + 2; i++) {
        bucket.acquire().subscribe(null, null, () -> starts.add(vts.now(TimeUnit.MILLISECONDS)));
      }
      vts.advanceTimeBy(Duration.ofDays(365));
      assertThat(starts).as("burst %d", burst).hasSize(burst).containsOnly(0L);
    }
  }

  @Test
  void aPauseHoldsEveryStartUntilItEndsEvenWithoutARateLimit() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    TokenBucket bucket = new TokenBucket(0, 1, vts);
    bucket.pause(Duration.ofSeconds(7));
    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      bucket.acquire().subscribe(null, null, () -> starts.add(vts.now(TimeUnit.MILLISECONDS)));
    }
    vts.advanceTimeBy(Duration.ofMillis(6999));
    assertThat(starts).isEmpty();
    vts.advanceTimeBy(Duration.ofMillis(1));
    assertThat(starts).containsExactly(7000L, 7000L, 7000L);
  }

  @Test
  void aStartReservedBeforeAPauseWaitsForThePauseAndIsPacedAfterIt() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    TokenBucket bucket = new TokenBucket(1, 1, vts);
    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      bucket.acquire().subscribe(null, null, () -> starts.add(vts.now(TimeUnit.MILLISECONDS)));
    }
    assertThat(starts).containsExactly(0L);
    bucket.pause(Duration.ofSeconds(10));
    vts.advanceTimeBy(Duration.ofSeconds(30));
    assertThat(starts).hasSize(3);
    assertThat(starts.get(1)).isGreaterThanOrEqualTo(10_000L);
    assertThat(starts.get(2) - starts.get(1)).isGreaterThanOrEqualTo(1000L);
  }
}
