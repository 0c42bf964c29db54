package ai.bctrl.provisioner.internal.engine;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

/**
 * One subscription to {@code source} shared by every subscriber: the first starts it, later ones
 * join it, and every one gets its outcome, which is kept for those who come after. Subscribers are
 * told in the order they came (items waiting for a space's first listing start in input order).
 * When every subscriber has cancelled before it ended, it is cancelled too (no call outlives
 * everyone who wanted it), and the next subscriber starts it afresh. Unlike {@code Mono.cache()},
 * which keeps its source running when all its subscribers have gone.
 */
final class SharedMono<T> {
  private final Mono<T> source;
  private Shared<T> current; // guarded by this

  private static final class Shared<T> {
    // Sinks.one tells its subscribers in subscription order; a CompletableFuture runs its
    // dependents last-in first-out, which started a space's waiting items in reverse.
    final Sinks.One<T> outcome = Sinks.one();
    boolean done; // guarded by the SharedMono
    boolean cancelled; // guarded by the SharedMono
    int waiters; // guarded by the SharedMono
    Disposable subscription; // guarded by the SharedMono
  }

  SharedMono(Mono<T> source) {
    this.source = source;
  }

  Mono<T> get() {
    return Mono.defer(() -> {
      Shared<T> s;
      boolean start;
      synchronized (this) {
        start = current == null;
        if (start) {
          current = new Shared<>();
        }
        s = current;
        if (!s.done) {
          s.waiters++;
        }
      }
      if (start) {
        Disposable d = source.subscribe(
            v -> {
              ended(s);
              s.outcome.tryEmitValue(v);
            },
            e -> {
              ended(s);
              s.outcome.tryEmitError(e);
            },
            () -> {
              ended(s);
              s.outcome.tryEmitEmpty(); // ignored after a value
            });
        boolean gone;
        synchronized (this) {
          gone = s.cancelled;
          s.subscription = d;
        }
        if (gone) {
          d.dispose();
        }
      }
      return s.outcome.asMono().doFinally(signal -> { // after the cancel went upstream
        if (signal == SignalType.CANCEL) {
          leave(s);
        }
      });
    });
  }

  private synchronized void ended(Shared<T> s) {
    s.done = true;
  }

  private void leave(Shared<T> s) {
    Disposable d;
    synchronized (this) {
      if (s.done || s.cancelled || --s.waiters > 0) {
        return;
      }
      if (current == s) {
        current = null;
      }
      s.cancelled = true;
      d = s.subscription;
    }
    if (d != null) {
      d.dispose();
    }
  }
}
