package ai.bctrl.provisioner.internal.engine;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Passes demand upstream in batches rather than one item at a time, and items down on the thread
 * that emits them, as they come. A run's items are read on a thread of their own (the manifest's),
 * while the slots they wait for come free one by one on the event loops; each request for one more
 * item would cross to the reading thread and wake it, once per item. Here a request is held until
 * {@code batch} are due, then they are passed on together: the reading thread wakes once per batch.
 * A request made on the emitting thread while it delivers an item goes up at once when nothing
 * asked for is still on its way (there it wakes no one).
 *
 * <p>The items themselves are not held, nor their order changed, nor the thread that emits them;
 * only how many are read ahead: up to {@code batch - 1} fewer than downstream asked for. So
 * downstream must keep at least {@code batch} asked for and not yet received or done with, as a
 * {@code flatMap} of at least that concurrency does (it asks for one more as each inner ends); a
 * downstream that asks for fewer could wait for ever.
 */
final class BatchedDemand<T> extends FluxOperator<T, T> {
  private final long batch;

  BatchedDemand(Flux<? extends T> source, int batch) {
    super(source);
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1 but was " + batch);
    }
    this.batch = batch;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    source.subscribe(new Batching<>(actual, batch));
  }

  static final class Batching<T> implements CoreSubscriber<T>, Subscription {
    private final CoreSubscriber<? super T> actual;
    private final long batch;
    private Subscription upstream;
    /** Asked for downstream, not yet passed upstream; guarded by this. */
    private long held;
    /** Passed upstream, not yet delivered; guarded by this. */
    private long onTheirWay;

    Batching(CoreSubscriber<? super T> actual, long batch) {
      this.actual = actual;
      this.batch = batch;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
      }
    }

    @Override
    public void onNext(T t) {
      long pass;
      synchronized (this) {
        if (onTheirWay != Long.MAX_VALUE) {
          onTheirWay--;
        }
        pass = onTheirWay == 0 ? release() : 0;
      }
      actual.onNext(t);
      if (pass > 0) {
        upstream.request(pass);
      }
    }

    @Override
    public void onError(Throwable t) {
      actual.onError(t);
    }

    @Override
    public void onComplete() {
      actual.onComplete();
    }

    @Override
    public void request(long n) {
      if (!Operators.validate(n)) {
        return;
      }
      long pass;
      synchronized (this) {
        held = Operators.addCap(held, n);
        pass = held >= batch ? release() : 0;
      }
      if (pass > 0) {
        upstream.request(pass);
      }
    }

    /** Moves what is held to what is on its way; returns it. Guarded by this. */
    private long release() {
      long h = held;
      held = 0;
      onTheirWay = Operators.addCap(onTheirWay, h);
      return h;
    }

    @Override
    public void cancel() {
      upstream.cancel();
    }
  }
}
