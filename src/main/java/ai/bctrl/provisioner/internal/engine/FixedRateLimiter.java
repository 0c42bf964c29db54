package ai.bctrl.provisioner.internal.engine;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * {@code --rate R}: one {@link TokenBucket} for every start of the engine, whatever its space; a
 * 429 pauses them all for its {@code Retry-After}. Answers teach it nothing.
 */
public final class FixedRateLimiter implements StartLimiter {
  private final TokenBucket bucket;

  public FixedRateLimiter(TokenBucket bucket) {
    this.bucket = bucket;
  }

  @Override
  public Mono<Void> acquire(String spaceId) {
    return bucket.acquire();
  }

  @Override
  public void answered(String spaceId, long startNanos) {}

  @Override
  public void rateLimited(String spaceId, long startNanos, Duration pause) {
    if (pause != null) {
      bucket.pause(pause);
    }
  }
}
