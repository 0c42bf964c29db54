package ai.bctrl.provisioner.internal.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * A one-time signal: a {@code Mono<Void>} that completes every subscriber, present and future,
 * once {@link #fire()}d. What a run's stop and abort are made of: every item waiting for a slot, a
 * start or an answer subscribes to them and leaves again, hundreds at a time, so joining and
 * leaving take constant time (a concurrent set), where {@code Sinks.empty()} copies its array of
 * subscribers on every join and every leave. Thread-safe, never blocks.
 */
final class Signal extends Mono<Void> {
  private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
  private volatile boolean fired;

  /** Completes every subscriber; idempotent. */
  void fire() {
    fired = true;
    for (Waiter w : waiting) {
      w.complete();
    }
  }

  boolean isFired() {
    return fired;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Void> actual) {
    Waiter w = new Waiter(actual);
    actual.onSubscribe(w);
    if (fired) {
      w.complete();
      return;
    }
    waiting.add(w);
    if (fired) {
      w.complete(); // fired between the check and the add: fire() may have missed it
    }
  }

  private final class Waiter implements Subscription {
    private static final AtomicIntegerFieldUpdater<Waiter> DONE =
        AtomicIntegerFieldUpdater.newUpdater(Waiter.class, "done");
    private final CoreSubscriber<? super Void> actual;
    private volatile int done;

    Waiter(CoreSubscriber<? super Void> actual) {
      this.actual = actual;
    }

    void complete() {
      if (DONE.compareAndSet(this, 0, 1)) {
        waiting.remove(this);
        actual.onComplete();
      }
    }

    @Override
    public void request(long n) {
      // nothing to emit but completion
    }

    @Override
    public void cancel() {
      if (DONE.compareAndSet(this, 0, 1)) {
        waiting.remove(this);
      }
    }
  }
}
