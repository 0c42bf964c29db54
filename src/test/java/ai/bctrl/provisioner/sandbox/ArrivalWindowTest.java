package ai.bctrl.provisioner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArrivalWindowTest {
  static final long MS = 1_000_000L;

  static int maxOf(long... arrivalsMs) {
    ArrivalWindow w = new ArrivalWindow(1000 * MS);
    for (long t : arrivalsMs) {
      w.arrived(t * MS);
    }
    return w.max();
  }

  @Test
  void countsTheMostArrivalsLessThanOneSecondApart() {
    assertThat(maxOf()).isZero();
    assertThat(maxOf(0, 200, 400, 600, 800)).isEqualTo(5);
    assertThat(maxOf(0, 200, 400, 600, 800, 1000)).as("0 and 1000 are one second apart").isEqualTo(5);
    assertThat(maxOf(0, 200, 400, 600, 800, 999)).isEqualTo(6);
  }

  @Test
  void findsABurstThatStraddlesTwoBucketsOfAWholeSecond() {
    // 3 at the end of one whole second and 4 at the start of the next: a bucketed count says 4
    assertThat(maxOf(900, 950, 999, 1000, 1001, 1050, 1100)).isEqualTo(7);
    assertThat(maxOf(0, 0, 0, 999, 999, 999, 999, 1500, 1500)).isEqualTo(7);
  }

  @Test
  void anEvenRateGivesThatRate() {
    long[] tenPerSecond = new long[100];
    for (int i = 0; i < tenPerSecond.length; i++) {
      tenPerSecond[i] = i * 100L;
    }
    assertThat(maxOf(tenPerSecond)).isEqualTo(10);
  }

  @Test
  void growsItsRingForABurstLargerThanItStartedWith() {
    long[] burst = new long[1000];
    Arrays.fill(burst, 5);
    ArrivalWindow w = new ArrivalWindow(1000 * MS);
    for (long t : burst) {
      w.arrived(t * MS);
    }
    w.arrived(5000 * MS);
    assertThat(w.max()).isEqualTo(1000);
  }

  @Test
  void agreesWithCountingEveryPairOnRandomArrivals() {
    long seed = System.nanoTime();
    SplittableRandom r = new SplittableRandom(seed);
    for (int round = 0; round < 200; round++) {
      int n = r.nextInt(1, 300);
      long[] t = new long[n];
      long now = 0;
      for (int i = 0; i < n; i++) {
        now += r.nextInt(4) == 0 ? r.nextLong(2000 * MS) : r.nextLong(50 * MS);
        t[i] = now;
      }
      ArrivalWindow w = new ArrivalWindow(1000 * MS);
      for (long x : t) {
        w.arrived(x);
      }
      int brute = 0;
      for (int i = 0; i < n; i++) {
        int count = 0;
        for (int j = 0; j <= i; j++) {
          if (t[i] - t[j] < 1000 * MS) {
            count++;
          }
        }
        brute = Math.max(brute, count);
      }
      assertThat(w.max()).as("seed %d round %d", seed, round).isEqualTo(brute);
    }
  }
}
