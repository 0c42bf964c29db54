package ai.bctrl.provisioner.sandbox;

import java.util.function.LongSupplier;

/**
 * The sandbox's rate limit: a token bucket of {@code burst} tokens refilled at {@code rate} per
 * second on an injected nanosecond clock. Thread-safe (one lock; each call is a few arithmetic
 * operations).
 */
final class TokenBucket {
  private final double ratePerNano;
  private final double capacity;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  TokenBucket(double perSecond, int burst, LongSupplier nanoTime) {
    this.ratePerNano = perSecond / 1e9;
    this.capacity = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 when a token was taken; otherwise how many nanoseconds until one is there
   */
  synchronized long tryTake() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) * ratePerNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano));
  }

  /** {@code Retry-After} seconds for a wait of {@code nanos}: whole seconds, at least 1. */
  static long retryAfterSeconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }
}
