package ai.bctrl.provisioner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rate limit and its schedule on an injected clock: no sleeps. */
class RateLimitTest {
  static final long S = 1_000_000_000L;
  final AtomicLong now = new AtomicLong();

  RateLimit limit(double rate, int burst, String schedule) {
    return new RateLimit(rate, burst, SandboxConfig.parseRateSchedule(schedule), now.get(), now::get);
  }

  void at(double seconds) {
    now.set(Math.round(seconds * S));
  }

  @Test
  void withoutAScheduleItIsAPlainTokenBucket() {
    RateLimit l = limit(0.25, 2, "");
    assertThat(l.tryTake()).isZero();
    assertThat(l.tryTake()).isZero();
    assertThat(l.tryTake()).isEqualTo(4 * S);
    at(3.5);
    assertThat(l.tryTake()).isEqualTo(S / 2);
    at(4);
    assertThat(l.tryTake()).isZero();
  }

  @Test
  void theRateChangesAtEachStepsTime() {
    RateLimit l = limit(0, 1, "10@0s,0.1@10s");
    assertThat(l.tryTake()).isZero();
    assertThat(l.tryTake()).isEqualTo(S / 10);
    at(9.5);
    assertThat(l.rateNow()).isEqualTo(10);
    assertThat(l.tryTake()).isZero();
    at(9.6);
    assertThat(l.tryTake()).isZero();
    at(10.5);
    assertThat(l.rateNow()).isEqualTo(0.1);
    assertThat(l.tryTake()).as("refilled at 10/s until 10 s, capped by the burst").isZero();
    assertThat(l.tryTake()).isEqualTo(10 * S);
  }

  @Test
  void beforeTheFirstStepTheBaseRateApplies() {
    RateLimit l = limit(1, 1, "0@3s");
    assertThat(l.tryTake()).isZero();
    assertThat(l.tryTake()).isEqualTo(S);
    at(2.9);
    assertThat(l.tryTake()).isZero();
    assertThat(l.tryTake()).as("the limit ends at 3 s").isEqualTo(S / 10);
    at(3);
    for (int i = 0; i < 100; i++) {
      assertThat(l.tryTake()).isZero();
    }
  }

  @Test
  void aZeroRateStepIsNoLimitAndLeavesTheBucketFull() {
    RateLimit l = limit(0, 2, "1@0s,0@5s,1@10s");
    assertThat(l.tryTake()).isZero();
    assertThat(l.tryTake()).isZero();
    assertThat(l.tryTake()).isEqualTo(S);
    at(6);
    for (int i = 0; i < 100; i++) {
      assertThat(l.tryTake()).isZero();
    }
    at(10);
    assertThat(l.tryTake()).isZero();
    assertThat(l.tryTake()).as("burst 2 again").isZero();
    assertThat(l.tryTake()).isEqualTo(S);
  }

  @Test
  void theWaitFollowsTheScheduleAcrossAStep() {
    RateLimit l = limit(0, 1, "0.1@0s,10@5s");
    at(1);
    assertThat(l.tryTake()).isZero();
    // 0.4 of a token by 5 s at 0.1/s, the other 0.6 at 10/s: 4.06 s, not the 10 s of 0.1/s alone
    assertThat((double) l.tryTake()).isCloseTo(4.06 * S, offset(2.0));
  }

  @Test
  void stepTimesCountFromTheOriginNotFromZero() {
    at(100);
    RateLimit l = limit(0, 1, "1@0s,0@5s");
    assertThat(l.tryTake()).isZero();
    assertThat(l.tryTake()).isEqualTo(S);
    at(105);
    assertThat(l.rateNow()).isZero();
    assertThat(l.tryTake()).isZero();
    assertThat(l.tryTake()).isZero();
  }

  @Test
  void retryAfterIsWholeSecondsAndAtLeastOne() {
    assertThat(RateLimit.retryAfterSeconds(1)).isEqualTo(1);
    assertThat(RateLimit.retryAfterSeconds(S)).isEqualTo(1);
    assertThat(RateLimit.retryAfterSeconds(S + 1)).isEqualTo(2);
    assertThat(List.of(RateLimit.retryAfterSeconds(10 * S))).containsExactly(10L);
  }
}
