package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ProvisionerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A server's rate limit on virtual time, for the learned rate's tests: a token bucket of {@code
 * burst} whose rate follows a schedule, answering 429 with {@code Retry-After: 1} when empty,
 * driven by {@code callers} clients that each start a call as soon as the limiter lets them (and
 * wait out their own 429's second). Answers take {@code latency}. Pure virtual time: a minute of
 * it runs in milliseconds.
 */
final class SimulatedLimit {
  private static final long S = 1_000_000_000L;

  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  final List<double[]> rates = new ArrayList<>(); // {seconds, rate}
  final List<Long> accepted = new ArrayList<>();
  final List<Long> rejected = new ArrayList<>();
  private final NavigableMap<Long, Double> schedule = new TreeMap<>();
  private final int burst;
  private final long latency;
  private final long origin = vts.now(TimeUnit.NANOSECONDS);
  private final StartLimiter limiter;
  private double tokens;
  private long last = origin;

  SimulatedLimit(double limit, int burst, Duration latency, double maxRate) {
    this(limit, burst, latency, (scheduler, listener) -> new LearnedRateLimiter(maxRate, scheduler, listener));
  }

  /** With another limiter (the AWS-style reference), made on this simulation's scheduler. */
  SimulatedLimit(double limit, int burst, Duration latency,
      BiFunction<VirtualTimeScheduler, ProvisionerListener, StartLimiter> limiter) {
    this.schedule.put(0L, limit);
    this.burst = burst;
    this.tokens = burst;
    this.latency = latency.toNanos();
    this.limiter = limiter.apply(vts, new ProvisionerListener() {
      @Override
      public void rateChanged(RateChanged e) {
        rates.add(new double[] {seconds(), e.rate()});
      }
    });
  }

  /** From {@code at} on, the limit is {@code limit}. */
  SimulatedLimit limitFrom(Duration at, double limit) {
    schedule.put(at.toNanos(), limit);
    return this;
  }

  /** Runs {@code callers} clients for {@code d} of virtual time. */
  SimulatedLimit run(int callers, Duration d) {
    for (int i = 0; i < callers; i++) {
      caller();
    }
    vts.advanceTimeBy(d);
    return this;
  }

  double seconds() {
    return (vts.now(TimeUnit.NANOSECONDS) - origin) / 1e9;
  }

  /** The limiter's rate at {@code second} (the last one it reported by then). */
  double rateAt(double second) {
    double r = Double.NaN;
    for (double[] e : rates) {
      if (e[0] <= second) {
        r = e[1];
      }
    }
    return r;
  }

  /** Calls accepted from {@code from} to {@code to} seconds, per second. */
  double acceptedRate(double from, double to) {
    long n = accepted.stream().filter(t -> t >= from * S && t < to * S).count();
    return n / (to - from);
  }

  long rejectedBetween(double from, double to) {
    return rejected.stream().filter(t -> t >= from * S && t < to * S).count();
  }

  private void caller() {
    limiter.acquire("sp").subscribe(null, null, () -> {
      long start = vts.now(TimeUnit.NANOSECONDS);
      boolean ok = take(start);
      (ok ? accepted : rejected).add(start - origin);
      vts.schedule(() -> {
        if (ok) {
          limiter.answered("sp", start);
          caller();
        } else {
          limiter.rateLimited("sp", start, Duration.ofSeconds(1));
          vts.schedule(this::caller, 1, TimeUnit.SECONDS);
        }
      }, ok ? latency : latency / 10, TimeUnit.NANOSECONDS);
    });
  }

  private boolean take(long now) {
    double limit = schedule.floorEntry(now - origin).getValue();
    tokens = Math.min(burst, tokens + (now - last) / 1e9 * limit);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
