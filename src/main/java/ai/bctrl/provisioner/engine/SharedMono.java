package ai.bctrl.provisioner.engine;

import java.util.concurrent.CompletableFuture;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * One subscription to {@code source} shared by every subscriber: the first starts it, later ones
 * join it, and every one gets its outcome, which is kept for those who come after. When every
 * subscriber has cancelled before it ended, it is cancelled too (no call outlives everyone who
 * wanted it), and the next subscriber starts it afresh. Unlike {@code Mono.cache()}, which keeps
 * its source running when all its subscribers have gone.
 */
final class SharedMono<T> {
  private final Mono<T> source;
  private Shared<T> current; // guarded by this

  private static final class Shared<T> extends CompletableFuture<T> {
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
        if (!s.isDone()) {
          s.waiters++;
        }
      }
      if (start) {
        Disposable d = source.subscribe(s::complete, s::completeExceptionally, () -> s.complete(null));
        boolean gone;
        synchronized (this) {
          gone = s.isCancelled();
          s.subscription = d;
        }
        if (gone) {
          d.dispose();
        }
      }
      return Mono.fromFuture(s, true).doFinally(signal -> { // after the cancel went upstream
        if (signal == SignalType.CANCEL) {
          leave(s);
        }
      });
    });
  }

  private void leave(Shared<T> s) {
    Disposable d;
    synchronized (this) {
      if (s.isDone() || --s.waiters > 0) {
        return;
      }
      if (current == s) {
        current = null;
      }
      s.cancel(false);
      d = s.subscription;
    }
    if (d != null) {
      d.dispose();
    }
  }
}
