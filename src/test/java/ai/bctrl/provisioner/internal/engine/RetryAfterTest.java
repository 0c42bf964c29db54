package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  @Test
  void readsDeltaSeconds() {
    assertThat(RetryAfter.parse("7", NOW)).contains(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
  }

  @Test
  void readsAnHttpDateRelativeToNow() {
    assertThat(RetryAfter.parse("Sun, 29 Nov 2026 12:00:42 GMT", NOW)).contains(Duration.ofSeconds(42));
  }

  @Test
  void readsTheTwoObsoleteHttpDateFormatsThatRecipientsMustAccept() {
    // RFC 9110 5.6.7: rfc850-date and asctime-date; unread, a 429 fell back to a short backoff
    assertThat(RetryAfter.parse("Sunday, 29-Nov-26 12:00:42 GMT", NOW)).contains(Duration.ofSeconds(42));
    assertThat(RetryAfter.parse("Sun Nov 29 12:00:42 2026", NOW)).contains(Duration.ofSeconds(42));
    assertThat(RetryAfter.parse("Sun Nov  1 12:00:00 2026", NOW)).contains(Duration.ZERO);
  }

  @Test
  void anHttpDateInThePastMeansNoWait() {
    assertThat(RetryAfter.parse("Sun, 29 Nov 2026 11:00:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @Test
  void anAbsentOrUnreadableHeaderIsEmpty() {
    assertThat(RetryAfter.parse(null, NOW)).isEmpty();
    assertThat(RetryAfter.parse("", NOW)).isEmpty();
    assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
    assertThat(RetryAfter.parse("-3", NOW)).isEmpty();
    assertThat(RetryAfter.parse("1.5", NOW)).isEmpty();
  }

  @Test
  void anAbsurdlyLargeDeltaIsHugeRatherThanAnError() {
    assertThat(RetryAfter.parse("99999999999999999999999", NOW).orElseThrow()).isGreaterThan(Duration.ofDays(365));
  }
}
