package ai.bctrl.provisioner.internal.engine;

import java.time.Duration;
import java.util.Random;

/**
 * Capped full-jitter exponential backoff: before retry {@code n} (1-based) wait a uniform random
 * time in {@code [0, min(cap, base * 2^(n-1))]}, and never less than a server's {@code
 * Retry-After}.
 */
public final class Backoff {
  private final Duration base;
  private final Duration cap;
  private final Random random;

  public Backoff(Duration base, Duration cap, Random random) {
    this.base = base;
    this.cap = cap;
    this.random = random;
  }

  /** The ceiling of the jitter before retry {@code n}. */
  public Duration ceiling(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1 but was " + n);
    }
    long baseNanos = base.toNanos();
    int shift = Math.min(n - 1, 62);
    long c = baseNanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseNanos << shift;
    return Duration.ofNanos(Math.min(c, cap.toNanos()));
  }

  /** The wait before retry {@code n}: full jitter under {@link #ceiling}, at least {@code retryAfter}. */
  public Duration delay(int n, Duration retryAfter) {
    long ceiling = ceiling(n).toNanos();
    long jitter;
    synchronized (random) {
      jitter = ceiling == 0 ? 0 : (long) (random.nextDouble() * (ceiling + 1));
    }
    Duration d = Duration.ofNanos(Math.min(jitter, ceiling));
    return retryAfter != null && retryAfter.compareTo(d) > 0 ? retryAfter : d;
  }
}
