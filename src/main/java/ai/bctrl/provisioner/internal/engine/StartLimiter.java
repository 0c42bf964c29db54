package ai.bctrl.provisioner.internal.engine;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The engine's one rate hook: where a create call takes its start, and where its answer is fed
 * back. {@link FixedRateLimiter} is a fixed rate ({@code --rate R}: one token bucket shared by
 * every space); {@link LearnedRateLimiter} learns a rate per space from the answers ({@code --rate
 * auto}). Implementations are thread-safe, never block, and schedule every wait on the engine's
 * scheduler.
 */
public interface StartLimiter {

  /**
   * Completes (empty) when a create call in {@code spaceId} may start. Cold: the place in line is
   * taken at subscription; cancelling gives it up.
   */
  Mono<Void> acquire(String spaceId);

  /**
   * A last check at the very moment a call in {@code spaceId} that {@link #acquire}d its start can
   * go out (its connection in hand): 0 when it may go now (taken), else how long to wait before
   * asking again, in nanoseconds, nothing taken. So that a call whose connection was slow to come
   * does not go out right beside the calls started after it. Default: always now.
   */
  default long tryStartNow(String spaceId) {
    return 0;
  }

  /**
   * A call in {@code spaceId} that started at {@code startNanos} (the scheduler's clock) ended
   * with anything but a 429: an answer, or no answer at all.
   */
  void answered(String spaceId, long startNanos);

  /**
   * A call in {@code spaceId} that started at {@code startNanos} was answered 429. With a {@code
   * pause} (its {@code Retry-After}, or the backoff when it had none), no call starts before that
   * long from now: in that space for a learned rate, in every space for a fixed one. {@code null}
   * when the wait is too long to honour (the item fails instead).
   */
  void rateLimited(String spaceId, long startNanos, Duration pause);
}
