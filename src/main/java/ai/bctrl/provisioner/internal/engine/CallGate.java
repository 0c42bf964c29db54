package ai.bctrl.provisioner.internal.engine;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A non-blocking semaphore: at most {@code permits} calls in flight. Waiters are served first come,
 * first served; a cancelled waiter leaves the queue, and a permit granted to a subscriber that has
 * just cancelled is given back.
 */
public final class CallGate {

  /** One slot; {@link #release()} is idempotent. */
  public final class Permit {
    private final AtomicBoolean released = new AtomicBoolean();

    public void release() {
      if (released.compareAndSet(false, true)) {
        CallGate.this.release();
      }
    }
  }

  private static final int WAITING = 0;
  private static final int GRANTED = 1;
  private static final int CANCELLED = 2;

  private final class Waiter {
    final MonoSink<Permit> sink;
    final AtomicInteger state = new AtomicInteger(WAITING);

    Waiter(MonoSink<Permit> sink) {
      this.sink = sink;
    }
  }

  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int available;
  private final int permits;

  public CallGate(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be >= 1 but was " + permits);
    }
    this.permits = permits;
    this.available = permits;
  }

  /** Emits a permit once one is free. Cold; cancelling gives up the place in the queue. */
  public Mono<Permit> acquire() {
    return Mono.<Permit>create(sink -> {
      Waiter w = new Waiter(sink);
      boolean now;
      synchronized (this) {
        now = available > 0;
        if (now) {
          available--;
        } else {
          waiters.add(w);
        }
      }
      sink.onCancel(() -> {
        if (w.state.compareAndSet(WAITING, CANCELLED)) {
          synchronized (this) {
            waiters.remove(w);
          }
        }
      });
      if (now) {
        w.state.set(GRANTED);
        sink.success(new Permit());
      }
    }).doOnDiscard(Permit.class, Permit::release);
  }

  private void release() {
    while (true) {
      Waiter next;
      synchronized (this) {
        next = waiters.poll();
        if (next == null) {
          available++;
          return;
        }
      }
      if (next.state.compareAndSet(WAITING, GRANTED)) {
        next.sink.success(new Permit());
        return;
      }
    }
  }

  /** Permits taken now. */
  public synchronized int inUse() {
    return permits - available;
  }
}
