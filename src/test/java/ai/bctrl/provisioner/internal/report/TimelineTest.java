package ai.bctrl.provisioner.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimelineTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(123 * S); // any start: the timeline counts from its own

  private Timeline timeline(int capacity) {
    return new Timeline(2, 1, 1, capacity, now::get);
  }

  private void at(long nanosSinceStart) {
    now.set(123 * S + nanosSinceStart);
  }

  @Test
  void countsLandInTheSecondTheyHappenIn() {
    Timeline t = timeline(10);
    at(200 * MS);
    t.add(0, 1);
    at(999 * MS);
    t.add(0, 1);
    at(S);
    t.add(0, 1);
    at(3 * S + 500 * MS);
    t.add(0, 1);
    t.add(1, 5);

    Timeline.Snapshot s = t.snapshot();
    assertThat(s.bucketSeconds()).isEqualTo(1.0);
    assertThat(s.buckets()).isEqualTo(4);
    assertThat(s.sums()[0]).containsExactly(2, 1, 0, 1);
    assertThat(s.sums()[1]).containsExactly(0, 0, 0, 5);
    assertThat(s.total(0)).isEqualTo(4);
  }

  @Test
  void peaksKeepTheMostAndLevelsTheLastAndCarryForward() {
    Timeline t = timeline(10);
    t.peak(0, 3);
    t.peak(0, 7);
    t.peak(0, 2);
    t.level(0, 5);
    t.level(0, 4);
    at(3 * S);
    t.level(0, 9);

    Timeline.Snapshot s = t.snapshot();
    assertThat(s.peaks()[0]).containsExactly(7, 0, 0, 0);
    assertThat(s.levels()[0][0]).isEqualTo(4.0);
    assertThat(s.levels()[0][1]).isNaN();
    assertThat(s.carried(0)).containsExactly(4.0, 4.0, 4.0, 9.0);
  }

  @Test
  void aRunThatOutlastsTheBucketsMergesNeighboursAndDoublesTheWidth() {
    Timeline t = timeline(4);
    for (int sec = 0; sec < 4; sec++) {
      at(sec * S);
      t.add(0, sec + 1);         // 1, 2, 3, 4
      t.peak(0, 10 - sec);       // 10, 9, 8, 7
      t.level(0, sec);           // 0, 1, 2, 3
    }
    at(4 * S + 100 * MS);        // the fifth second does not fit in four one-second buckets
    t.add(0, 100);

    Timeline.Snapshot s = t.snapshot();
    assertThat(s.bucketSeconds()).isEqualTo(2.0);
    assertThat(s.buckets()).isEqualTo(3);
    assertThat(s.sums()[0]).containsExactly(1 + 2, 3 + 4, 100);
    assertThat(s.peaks()[0]).containsExactly(10, 8, 0);
    assertThat(s.levels()[0][0]).isEqualTo(1.0);   // the later of the two merged
    assertThat(s.levels()[0][1]).isEqualTo(3.0);
    assertThat(s.perSecond(0)).containsExactly(1.5, 3.5, 50.0);
  }

  @Test
  void anEmptyStretchKeepsItsBucketsAtZero() {
    Timeline t = timeline(10);
    t.add(0, 1);
    at(5 * S);
    Timeline.Snapshot s = t.snapshot();
    assertThat(s.buckets()).isEqualTo(6);
    assertThat(s.sums()[0]).containsExactly(1, 0, 0, 0, 0, 0);
  }

  @Test
  void aMillionEventsOverTenDaysKeepAtMostItsBucketsAndLoseNoCount() {
    long seed = 20261130L;
    Random random = new Random(seed);
    Timeline t = new Timeline(1, 1, 0, 1800, now::get);
    long tenDays = 10 * 24 * 3600 * S;
    long nanos = 0;
    for (int i = 0; i < 1_000_000; i++) {
      nanos += (long) (random.nextDouble() * 2 * tenDays / 1_000_000);
      at(nanos);
      t.add(0, 1);
      t.peak(0, random.nextInt(100));
    }
    Timeline.Snapshot s = t.snapshot();
    assertThat(s.buckets()).as("seed %d", seed).isLessThanOrEqualTo(1800);
    assertThat(s.total(0)).isEqualTo(1_000_000);
    assertThat(Long.bitCount((long) s.bucketSeconds())).as("a power of two").isEqualTo(1);
    assertThat(s.bucketSeconds() * 1800).isGreaterThanOrEqualTo(nanos / (double) S);
  }

  @Test
  void refusesAnOddCapacityAndAnUnknownSeries() {
    assertThatThrownBy(() -> timeline(5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be even and >= 2 but was 5");
    Timeline t = timeline(4);
    assertThatThrownBy(() -> t.add(2, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> t.level(1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
