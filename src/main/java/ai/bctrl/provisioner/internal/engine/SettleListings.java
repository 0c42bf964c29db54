package ai.bctrl.provisioner.internal.engine;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;

/**
 * Listings shared by the uncertain items of a space: a Caffeine {@link AsyncCache} keyed by space
 * whose entry carries the instant its listing started. An item whose settle time is {@code due}
 * uses the entry only if that listing started at or after {@code due}; otherwise it starts a new
 * listing, which replaces the entry (items already waiting on the old one keep it). A failed
 * listing is never reused by an item that comes later. A listing in progress counts the items
 * waiting for it: when the last of them gives up (its run stopped or was cancelled), the listing
 * is cancelled too, so no listing call outlives every run that wanted it.
 */
public final class SettleListings {

  /** A listing in progress or done, with its start instant and the items waiting for it. */
  static final class Pending extends CompletableFuture<Done> {
    final long startedNanos;
    /** Items waiting; 0 once the last gave up before it ended (then it is cancelled, never revived). */
    final AtomicInteger waiters = new AtomicInteger(1);
    volatile Disposable listing;

    Pending(long startedNanos) {
      this.startedNanos = startedNanos;
    }

    boolean failed() {
      return isDone() && join().failure() != null;
    }

    /** Joins a listing: a finished good one, or one in progress that still has items waiting. */
    boolean tryJoin(long dueNanos) {
      if (startedNanos < dueNanos) {
        return false;
      }
      if (isDone()) {
        return !failed();
      }
      for (int w = waiters.get(); w > 0; w = waiters.get()) {
        if (waiters.compareAndSet(w, w + 1)) {
          return true;
        }
      }
      return false;
    }

    /** An item gave up waiting; the last one cancels the listing. */
    void leave() {
      if (waiters.decrementAndGet() == 0 && !isDone()) {
        complete(new Done(null, new CancellationException("every item waiting for this listing gave up")));
        Disposable d = listing;
        if (d != null) {
          d.dispose();
        }
      }
    }
  }

  /**
   * A finished listing, or why it could not be had. Kept as a value, not a failed future, so the
   * cache has nothing to log.
   */
  record Done(Listing listing, Throwable failure) {}

  private final Function<String, Mono<Listing>> lister;
  private final Scheduler scheduler;
  /** Built at the first settle: most runs never settle, and Caffeine's classes cost start-up time. */
  private volatile AsyncCache<String, Done> cache;

  SettleListings(Function<String, Mono<Listing>> lister, Scheduler scheduler) {
    this.lister = lister;
    this.scheduler = scheduler;
  }

  private AsyncCache<String, Done> cache() {
    AsyncCache<String, Done> c = cache;
    if (c == null) {
      synchronized (this) {
        c = cache;
        if (c == null) {
          c = Caffeine.newBuilder()
              .expireAfterWrite(Duration.ofMinutes(10))
              .maximumSize(10_000)
              .executor(Runnable::run)
              .buildAsync();
          cache = c;
        }
      }
    }
    return c;
  }

  /**
   * A listing of {@code spaceId} that started at or after {@code dueNanos} (scheduler clock): a
   * shared one if there is, else a new one started now. Subscribe only once {@code dueNanos} has
   * passed. Cancelling gives up this item's place; the listing goes on while other items wait.
   */
  public Mono<Listing> startedNoEarlierThan(String spaceId, long dueNanos) {
    return Mono.defer(() -> {
      Pending[] mine = new Pending[1];
      Pending p = (Pending) cache().asMap().compute(spaceId, (k, old) -> {
        if (old instanceof Pending o && o.tryJoin(dueNanos)) {
          return o;
        }
        mine[0] = new Pending(scheduler.now(TimeUnit.NANOSECONDS));
        return mine[0];
      });
      if (mine[0] != null) {
        p.listing = lister.apply(spaceId).subscribe(l -> p.complete(new Done(l, null)),
            e -> p.complete(new Done(null, e)));
        if (p.isDone()) {
          p.listing = null;
        }
      }
      return Mono.fromFuture(p, true)
          .doFinally(signal -> {               // after the cancel went upstream: nothing emits
            if (signal == SignalType.CANCEL) {
              p.leave();
            }
          })
          .flatMap(d -> d.failure() == null ? Mono.just(d.listing()) : Mono.error(d.failure()));
    });
  }
}
