package ai.bctrl.provisioner.internal.cli;

import java.time.Duration;

/**
 * The checks of the flow flags that {@code run} and {@code teardown} share (concurrency, rate,
 * burst, attempts, failures in a row, timeouts), each refusal a one-line usage error (exit 64).
 */
final class FlowFlags {
  private FlowFlags() {}

  /** @throws UsageException naming the first flag out of range */
  static void check(int concurrency, int burst, int maxAttempts, int maxConsecutiveFailures,
      Converters.RateArg rate, Double maxRate, Duration requestTimeout, Duration deadline) {
    atLeast("--concurrency", concurrency, 1);
    atLeast("--burst", burst, 1);
    atLeast("--max-attempts", maxAttempts, 1);
    atLeast("--max-consecutive-failures", maxConsecutiveFailures, 1);
    if (!rate.auto() && (!(rate.perSecond() >= 0) || Double.isInfinite(rate.perSecond()))) {
      throw new UsageException("--rate must be >= 0 (0 = no limit) or auto but was " + rate.perSecond());
    }
    if (maxRate != null && !rate.auto()) {
      throw new UsageException("--max-rate is the ceiling of a learned rate; use it with --rate auto");
    }
    if (maxRate != null && (!(maxRate > 0) || maxRate.isInfinite())) {
      throw new UsageException("--max-rate must be > 0 but was " + maxRate);
    }
    if (rate.auto() && burst > 1) {
      throw new UsageException("--burst is for a fixed --rate; --rate auto spaces its starts evenly");
    }
    if (requestTimeout.isZero()) {
      throw new UsageException("--request-timeout must be more than 0");
    }
    if (deadline != null && deadline.isZero()) {
      throw new UsageException("--deadline must be more than 0");
    }
  }

  private static void atLeast(String option, int value, int min) {
    if (value < min) {
      throw new UsageException(option + " must be >= " + min + " but was " + value);
    }
  }
}
