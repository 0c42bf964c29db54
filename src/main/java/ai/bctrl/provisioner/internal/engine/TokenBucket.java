package ai.bctrl.provisioner.internal.engine;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The shared start limiter: a non-blocking token bucket (generic cell rate algorithm) allowing at
 * most {@code rate * window + burst} starts in any window, plus a pause that no start may pass
 * (set by a 429's {@code Retry-After}). {@code rate == 0} means no rate limit (the pause still
 * holds). Every attempt of every item passes through {@link #acquire()}.
 */
public final class TokenBucket {
  /**
   * Bounds keeping the arithmetic inside a long (times are nanos since the bucket was made): an
   * interval of more than ~3 years counts as ~3 years, a burst refilling over more than ~12 years
   * as one refilling in ~12; no run lasts that long, and overflow would wrap into "no limit".
   */
  private static final long MAX_INTERVAL = 100_000_000_000_000_000L;
  private static final long MAX_TOLERANCE = 4 * MAX_INTERVAL;

  private final Scheduler scheduler;
  private final long origin;
  private final long interval; // nanos between tokens; 0 = unlimited
  private final long tolerance; // (burst - 1) * interval
  private long tat; // theoretical arrival time of the next conforming start
  private long pausedUntil = Long.MIN_VALUE;

  public TokenBucket(double rate, int burst, Scheduler scheduler) {
    if (rate < 0 || burst < 1) {
      throw new IllegalArgumentException("rate must be >= 0 and burst >= 1 but were " + rate + ", " + burst);
    }
    this.scheduler = scheduler;
    this.origin = scheduler.now(TimeUnit.NANOSECONDS);
    this.interval = rate == 0 ? 0 : (long) Math.min(Math.ceil(1e9 / rate), MAX_INTERVAL);
    this.tolerance = (long) Math.min((burst - 1.0) * interval, MAX_TOLERANCE);
    this.tat = now();
  }

  private long now() {
    return scheduler.now(TimeUnit.NANOSECONDS) - origin;
  }

  /**
   * Completes (empty) when a call may start. Cold; a start is reserved at subscription. If a pause
   * was set while waiting, it waits for the pause and reserves again (the first reservation is
   * given up, so a pause never lets a cluster of held starts through).
   */
  public Mono<Void> acquire() {
    return Mono.defer(() -> {
      long delay = reserve();
      Mono<Void> wait = delay <= 0 ? Mono.empty() : Mono.delay(Duration.ofNanos(delay), scheduler).then();
      return wait.then(Mono.defer(() -> isPaused() ? acquire() : Mono.empty()));
    });
  }

  /** Reserves the next start; returns how long until it, in nanoseconds (0 = now). */
  synchronized long reserve() {
    long now = now();
    long allowed = Math.max(now, pausedUntil);
    if (interval > 0) {
      allowed = Math.max(allowed, tat - tolerance);
      tat = Math.max(tat, allowed) + interval;
    }
    return allowed - now;
  }

  /**
   * Takes a start now if one is free (returns 0), else returns how long until one will be, in
   * nanoseconds, taking nothing. No reservation, no pause: for a last check at the very moment of
   * a start, whose caller asks again after the wait.
   */
  synchronized long tryTake() {
    if (interval == 0) {
      return 0;
    }
    long now = now();
    long allowed = tat - tolerance;
    if (allowed > now) {
      return allowed - now;
    }
    tat = Math.max(tat, now) + interval;
    return 0;
  }

  /** No start happens before {@code duration} from now (a longer pause already set stays). */
  public synchronized void pause(Duration duration) {
    long until = now() + (duration.compareTo(Duration.ofNanos(MAX_TOLERANCE)) > 0 ? MAX_TOLERANCE : duration.toNanos());
    pausedUntil = Math.max(pausedUntil, until);
  }

  synchronized boolean isPaused() {
    return now() < pausedUntil;
  }
}
