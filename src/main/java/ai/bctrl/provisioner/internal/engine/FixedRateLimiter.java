package ai.bctrl.provisioner.internal.engine;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * {@code --rate R}: one {@link TokenBucket} for every start of the engine, whatever its space; a
 * 429 pauses them all for its {@code Retry-After}. Answers teach it nothing.
 */
public final class FixedRateLimiter implements StartLimiter {
  private final TokenBucket bucket;
  private final TokenBucket atSend;

  /** Starts from {@code bucket} alone. */
  public FixedRateLimiter(TokenBucket bucket) {
    this(bucket, null);
  }

  /**
   * Starts from {@code bucket}, checked again at the moment each call goes out against {@code
   * atSend} (the same rate with one start of burst more, so that a call sent late can be followed
   * by the next one on time, both still within rate + burst in any second); {@code null}: no check.
   */
  public FixedRateLimiter(TokenBucket bucket, TokenBucket atSend) {
    this.bucket = bucket;
    this.atSend = atSend;
  }

  @Override
  public Mono<Void> acquire(String spaceId) {
    return bucket.acquire();
  }

  @Override
  public long tryStartNow(String spaceId) {
    return atSend == null ? 0 : atSend.tryTake();
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
