package ai.bctrl.provisioner.sandbox;

import ai.bctrl.provisioner.sandbox.SandboxConfig.RateStep;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The sandbox's rate limit: a token bucket of {@code burst} tokens refilled at a rate that may
 * follow a schedule: {@code rate} until the first step, then each step's rate from its time on
 * (times count from {@code origin}, the server's start); a rate of 0 is no limit, and keeps the
 * bucket full. Time is the injected nanosecond source. Thread-safe (one lock; each call is a few
 * arithmetic operations per schedule step it crosses).
 */
final class RateLimit {
  private static final double NANOS = 1e9;

  private final double baseRate;
  private final long[] stepAt;
  private final double[] stepRate;
  private final double capacity;
  private final long origin;
  private final LongSupplier nanoTime;
  private double tokens;
  /** When the bucket was last refilled, in nanoseconds since {@code origin}. */
  private long last;

  RateLimit(double rate, int burst, List<RateStep> schedule, long origin, LongSupplier nanoTime) {
    this.baseRate = rate;
    this.stepAt = schedule.stream().mapToLong(s -> s.at().toNanos()).toArray();
    this.stepRate = schedule.stream().mapToDouble(RateStep::perSecond).toArray();
    this.capacity = burst;
    this.origin = origin;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong() - origin;
  }

  /** The limit {@code c} asks for, timed from {@code origin}; {@code null} when it asks for none. */
  static RateLimit of(SandboxConfig c, long origin) {
    boolean limited = c.rate() > 0 || c.rateSchedule().stream().anyMatch(s -> s.perSecond() > 0);
    return limited ? new RateLimit(c.rate(), c.burst(), c.rateSchedule(), origin, c.nanoTime()) : null;
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 when a token was taken (or there is no limit now); otherwise how many nanoseconds
   *     until one is there, following the schedule
   */
  synchronized long tryTake() {
    long now = nanoTime.getAsLong() - origin;
    refill(now);
    if (rateAt(now) == 0) {
      return 0;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return waitFor(now);
  }

  /** Calls per second allowed now (0 = no limit). */
  synchronized double rateNow() {
    return rateAt(nanoTime.getAsLong() - origin);
  }

  private void refill(long now) {
    long t = last;
    while (t < now) {
      long end = Math.min(now, nextChange(t));
      double perNano = rateAt(t) / NANOS;
      tokens = perNano == 0 ? capacity : Math.min(capacity, tokens + (end - t) * perNano);
      t = end;
    }
    last = Math.max(last, now);
  }

  /** Nanoseconds from {@code now} until a token is there, crossing schedule steps on the way. */
  private long waitFor(long now) {
    double tok = tokens;
    long t = now;
    while (true) {
      double perNano = rateAt(t) / NANOS;
      if (perNano == 0) {
        return Math.max(1, t - now);
      }
      long end = nextChange(t);
      double need = (1 - tok) / perNano;
      if (end == Long.MAX_VALUE || t + need <= end) {
        return Math.max(1, (long) Math.ceil(t + need - now));
      }
      tok = Math.min(capacity, tok + (end - t) * perNano);
      t = end;
    }
  }

  /** The rate in force at {@code t} (nanoseconds since origin). */
  private double rateAt(long t) {
    double r = baseRate;
    for (int i = 0; i < stepAt.length && stepAt[i] <= t; i++) {
      r = stepRate[i];
    }
    return r;
  }

  /** The first step time after {@code t}, or {@link Long#MAX_VALUE}. */
  private long nextChange(long t) {
    for (long at : stepAt) {
      if (at > t) {
        return at;
      }
    }
    return Long.MAX_VALUE;
  }

  /** {@code Retry-After} seconds for a wait of {@code nanos}: whole seconds, at least 1. */
  static long retryAfterSeconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }
}
