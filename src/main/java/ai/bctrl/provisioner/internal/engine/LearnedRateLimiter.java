package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ProvisionerListener;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code --rate auto}: a rate learned per space ({@link LearnedRate}), since spaces may have
 * limits of their own. Each space has its own line of waiting calls and its own 429 pause
 * ({@link SpaceStarts}); a 429 in one space holds no other. Spaces are kept in a Caffeine cache
 * that forgets one idle for {@link #FORGET_AFTER} (on the engine scheduler's clock, so tests run
 * on virtual time): a space used again later starts modestly again, as its limit may have changed.
 */
public final class LearnedRateLimiter implements StartLimiter {
  /** A space with no call for this long is forgotten. */
  public static final Duration FORGET_AFTER = Duration.ofMinutes(10);

  private final Cache<String, SpaceStarts> spaces;
  private final Function<String, SpaceStarts> create;

  /**
   * @param maxRate the ceiling no space's rate goes above; 0 for none
   * @param listener told of every space's rate changes ({@code rateChanged}); must not throw
   */
  public LearnedRateLimiter(double maxRate, Scheduler scheduler, ProvisionerListener listener) {
    this(space -> new LearnedRate(LearnedRate.Tuning.DEFAULT, maxRate, scheduler.now(TimeUnit.NANOSECONDS)),
        true, scheduler, listener);
  }

  /** With another control per space (tests: tunings, the AWS-style reference). */
  LearnedRateLimiter(Function<String, RateControl> controls, boolean pauses, Scheduler scheduler,
      ProvisionerListener listener) {
    this.spaces = Caffeine.newBuilder()
        .expireAfterAccess(FORGET_AFTER)
        .ticker(() -> scheduler.now(TimeUnit.NANOSECONDS))
        .executor(Runnable::run)
        .build();
    this.create = space -> new SpaceStarts(space, controls.apply(space), scheduler, pauses, listener);
  }

  @Override
  public Mono<Void> acquire(String spaceId) {
    return Mono.defer(() -> space(spaceId).acquire());
  }

  @Override
  public void answered(String spaceId, long startNanos) {
    SpaceStarts s = spaces.getIfPresent(spaceId);
    if (s != null) {
      s.answered(startNanos);
    }
  }

  @Override
  public void rateLimited(String spaceId, long startNanos, Duration pause) {
    space(spaceId).rateLimited(startNanos, pause);
  }

  /** The rate in force now in {@code spaceId}, or NaN for a space not (or no longer) known. */
  public double rate(String spaceId) {
    SpaceStarts s = spaces.getIfPresent(spaceId);
    return s == null ? Double.NaN : s.rate();
  }

  private SpaceStarts space(String spaceId) {
    return spaces.get(spaceId, create);
  }
}
