package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ProvisionerListener;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;

/**
 * The reference the learned rate is measured against: what AWS's SDKs do in their "adaptive" retry
 * mode, as botocore implements it in {@code botocore/retries/adaptive.py} ({@code
 * ClientRateLimiter}, {@code RateClocker}), {@code botocore/retries/throttling.py} ({@code
 * CubicCalculator}) and {@code botocore/retries/bucket.py} ({@code TokenBucket}), written again here
 * from those files' behaviour:
 *
 * <ul>
 *   <li>the send rate is measured on every answer, in 0.5 s buckets, smoothed 0.8 new / 0.2 old;
 *   <li>until the first throttle nothing is limited; from then on a token bucket is, whose capacity
 *       is its rate (at least 1) and whose rate never drops below 0.5/s;
 *   <li>on a throttle (here a 429): the rate that failed, {@code w_max}, is the measured rate (once
 *       limited, at most the bucket's rate); the new rate is 0.7 of it (beta);
 *   <li>on any other answer: the CUBIC curve {@code 0.4 (t - t_fail - k)^3 + w_max} (scale 0.4,
 *       {@code k = cbrt(w_max (1 - beta) / 0.4)}): back to {@code w_max} after {@code k} seconds,
 *       then beyond it faster and faster;
 *   <li>the bucket's rate is the new rate, at most twice the measured one.
 * </ul>
 *
 * It runs in the same engine, behind the same {@link SpaceStarts} line, as the learned rate. With
 * {@code pauses} a 429's {@code Retry-After} holds every call of the space, as the provisioner
 * does; without, only the throttled call waits it out (botocore's own behaviour, which retries the
 * throttled request after its backoff and lets the others through the bucket).
 */
public final class AwsAdaptiveReference implements RateControl {
  private static final double SMOOTHING = 0.8;
  private static final double BUCKET_SECONDS = 0.5;
  private static final double BETA = 0.7;
  private static final double SCALE = 0.4;
  private static final double MIN_RATE = 0.5;
  private static final double MAX_RATE_ADJUST = 2.0;

  // CubicCalculator
  private double wMax;
  private double k;
  private double lastFail;
  // TokenBucket
  private double fillRate;
  private double capacity;
  private double tokens;
  private double lastRefill = Double.NaN;
  // RateClocker
  private double measured;
  private double lastBucket;
  private long count;
  // ClientRateLimiter
  private boolean enabled;

  AwsAdaptiveReference(long now) {
    double t = seconds(now);
    this.wMax = 0;
    this.k = Math.cbrt(wMax * (1 - BETA) / SCALE);
    this.lastFail = t;
    this.lastBucket = Math.floor(t);
    setMaxRate(t, 1);
  }

  /** A {@link StartLimiter} with one reference controller per space. */
  public static StartLimiter limiter(Scheduler scheduler, boolean pauses, ProvisionerListener listener) {
    return new LearnedRateLimiter(space -> new AwsAdaptiveReference(scheduler.now(TimeUnit.NANOSECONDS)), pauses,
        scheduler, listener);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  @Override
  public long nextStart(long now) {
    if (!enabled) {
      return now;
    }
    refill(seconds(now));
    return tokens >= 1 ? now : now + (long) Math.ceil((1 - tokens) / fillRate * 1e9);
  }

  @Override
  public void started(long now) {
    if (enabled) {
      refill(seconds(now));
      tokens -= 1;
    }
  }

  @Override
  public double rate(long now) {
    return enabled ? fillRate : Double.POSITIVE_INFINITY;
  }

  @Override
  public void answered(long startNanos, long now) {
    double m = record(seconds(now));
    double t = seconds(now);
    double newRate = SCALE * Math.pow(t - lastFail - k, 3) + wMax;
    setMaxRate(t, Math.min(newRate, MAX_RATE_ADJUST * m));
  }

  @Override
  public boolean rateLimited(long startNanos, long now, long resumeNanos) {
    double m = record(seconds(now));
    double t = seconds(now);
    double rateToUse = enabled ? Math.min(m, fillRate) : m;
    wMax = rateToUse;
    k = Math.cbrt(wMax * (1 - BETA) / SCALE);
    lastFail = t;
    double newRate = rateToUse * BETA;
    enabled = true;
    setMaxRate(t, Math.min(newRate, MAX_RATE_ADJUST * m));
    return true;
  }

  /** RateClocker.record: the smoothed send rate, updated once a 0.5 s bucket is passed. */
  private double record(double t) {
    double bucket = Math.floor(t / BUCKET_SECONDS) * BUCKET_SECONDS;
    count++;
    if (bucket > lastBucket) {
      double current = count / (bucket - lastBucket);
      measured = current * SMOOTHING + measured * (1 - SMOOTHING);
      count = 0;
      lastBucket = bucket;
    }
    return measured;
  }

  /** TokenBucket.max_rate's setter. */
  private void setMaxRate(double t, double value) {
    refill(t);
    fillRate = Math.max(value, MIN_RATE);
    capacity = value >= 1 ? value : 1;
    tokens = Math.min(tokens, capacity);
  }

  /** TokenBucket._refill. */
  private void refill(double t) {
    if (Double.isNaN(lastRefill)) {
      lastRefill = t;
      return;
    }
    tokens = Math.min(capacity, tokens + (t - lastRefill) * fillRate);
    lastRefill = t;
  }
}
