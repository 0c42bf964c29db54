package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ProvisionerListener;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;

/**
 * The start limiters the rate benchmark compares, for code outside this package: the learned rate
 * as {@code --rate auto} builds it, the same without its 429 pause (to measure what the pause
 * costs), and the AWS-style reference with and without the pause.
 */
public final class StartLimiters {
  private StartLimiters() {}

  /** {@code --rate auto} with no ceiling, as the engine builds it. */
  public static StartLimiter learned(Scheduler scheduler, ProvisionerListener listener) {
    return new LearnedRateLimiter(0, scheduler, listener);
  }

  /**
   * The learned rate whose 429 holds no call but the throttled one: not what the provisioner does
   * (it honours a {@code Retry-After} for the whole space); a benchmark's measure of that rule's
   * cost.
   */
  public static StartLimiter learnedWithoutPause(Scheduler scheduler, ProvisionerListener listener) {
    return new LearnedRateLimiter(
        space -> new LearnedRate(LearnedRate.Tuning.DEFAULT, 0, scheduler.now(TimeUnit.NANOSECONDS)), false,
        scheduler, listener);
  }

  /** The AWS-style reference ({@link AwsAdaptiveReference}); {@code pauses} as the provisioner does. */
  public static StartLimiter aws(Scheduler scheduler, boolean pauses, ProvisionerListener listener) {
    return AwsAdaptiveReference.limiter(scheduler, pauses, listener);
  }
}
