package ai.bctrl.provisioner.engine;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Listings shared by the uncertain items of a space: a Caffeine {@link AsyncCache} keyed by space
 * whose entry carries the instant its listing started. An item whose settle time is {@code due}
 * uses the entry only if that listing started at or after {@code due}; otherwise it starts a new
 * listing, which replaces the entry (items already waiting on the old one keep it). A failed
 * listing is never reused by an item that comes later.
 */
public final class SettleListings {

  /** A listing in progress or done, with its start instant. */
  static final class Pending extends CompletableFuture<Done> {
    final long startedNanos;

    Pending(long startedNanos) {
      this.startedNanos = startedNanos;
    }

    boolean failed() {
      return isDone() && join().failure() != null;
    }
  }

  /**
   * A finished listing, or why it could not be had. Kept as a value, not a failed future, so the
   * cache has nothing to log.
   */
  record Done(Listing listing, Throwable failure) {}

  private final AsyncCache<String, Done> cache;
  private final Function<String, Mono<Listing>> lister;
  private final Scheduler scheduler;

  SettleListings(Function<String, Mono<Listing>> lister, Scheduler scheduler) {
    this.lister = lister;
    this.scheduler = scheduler;
    this.cache = Caffeine.newBuilder()
        .expireAfterWrite(Duration.ofMinutes(10))
        .maximumSize(10_000)
        .executor(Runnable::run)
        .buildAsync();
  }

  /**
   * A listing of {@code spaceId} that started at or after {@code dueNanos} (scheduler clock): a
   * shared one if there is, else a new one started now. Subscribe only once {@code dueNanos} has
   * passed. Cancelling does not cancel a shared listing.
   */
  public Mono<Listing> startedNoEarlierThan(String spaceId, long dueNanos) {
    return Mono.defer(() -> {
      Pending[] mine = new Pending[1];
      CompletableFuture<Done> f = cache.asMap().compute(spaceId, (k, old) -> {
        if (old instanceof Pending p && p.startedNanos >= dueNanos && !p.failed()) {
          return p;
        }
        mine[0] = new Pending(scheduler.now(TimeUnit.NANOSECONDS));
        return mine[0];
      });
      if (mine[0] != null) {
        Pending p = mine[0];
        lister.apply(spaceId).subscribe(l -> p.complete(new Done(l, null)), e -> p.complete(new Done(null, e)));
      }
      return Mono.fromFuture(f, true)
          .flatMap(d -> d.failure() == null ? Mono.just(d.listing()) : Mono.error(d.failure()));
    });
  }
}
