package ai.bctrl.provisioner.internal.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses a {@code Retry-After} header: delta seconds or an HTTP date (RFC 9110), in any of its
 * three forms (IMF-fixdate, and the obsolete rfc850-date and asctime-date).
 */
public final class RetryAfter {
  /** RFC 9110 says a recipient must accept all three forms of HTTP date (two obsolete). */
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US);
  private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  private RetryAfter() {}

  /**
   * The wait the header asks for, measured from {@code now}; empty when absent or unreadable. A
   * date in the past means no wait.
   */
  public static Optional<Duration> parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String h = header.trim();
    if (h.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(h)));
      } catch (NumberFormatException | ArithmeticException e) {
        return Optional.of(Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L));
      }
    }
    Instant at = date(h);
    if (at == null) {
      return Optional.empty();
    }
    Duration d = Duration.between(now, at);
    return Optional.of(d.isNegative() ? Duration.ZERO : d);
  }

  private static Instant date(String h) {
    try {
      return ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      // not the preferred form: try the obsolete ones
    }
    try {
      return ZonedDateTime.parse(h, RFC_850).toInstant();
    } catch (DateTimeParseException e) {
      // nor rfc850-date
    }
    try {
      return LocalDateTime.parse(h, ASCTIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
