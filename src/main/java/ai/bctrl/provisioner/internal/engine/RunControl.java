package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ApiKeyRejectedException;
import ai.bctrl.provisioner.ProvisionerClosedException;
import ai.bctrl.provisioner.ProvisionerListener;
import ai.bctrl.provisioner.ProvisionerListener.RunStopped;
import ai.bctrl.provisioner.ProvisioningStoppedException;
import ai.bctrl.provisioner.QuotaExceededException;
import ai.bctrl.provisioner.TooManyFailuresException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * How one run stops. {@link #stopping()} fires when no new call may start (a stop request, 402,
 * too many failures, 401/403); {@link #abortNow()} fires when calls in flight must be cut (401/403
 * at once, a stop request once its grace is over). The first fatal cause is kept and ends the run.
 */
final class RunControl {

  /** Thrown inside an item's pipeline when it must not go on because the run is stopping. */
  static final class Stopped extends RuntimeException {
    Stopped() {
      super("the run is stopping", null, false, false);
    }
  }

  private final Scheduler scheduler;
  private final ProvisionerListener listener;
  private boolean reported;
  private final Signal stopping = new Signal();
  private final Signal abortNow = new Signal();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean isStopping;
  private long abortDeadline = Long.MAX_VALUE;
  private Disposable graceTimer;

  RunControl(Scheduler scheduler) {
    this(scheduler, new ProvisionerListener() {});
  }

  /** A control that tells {@code listener} the first reason the run stops for. */
  RunControl(Scheduler scheduler, ProvisionerListener listener) {
    this.scheduler = scheduler;
    this.listener = listener;
  }

  /** Stop starting calls; cut those in flight after {@code grace} (a shorter later grace wins). */
  synchronized void stop(Duration grace) {
    report(RunStopped.Reason.STOP_REQUESTED, "a stop was requested (grace " + grace + ")");
    fireStopping();
    long now = scheduler.now(TimeUnit.NANOSECONDS);
    long deadline = grace.isNegative() || grace.isZero() ? now : saturatedAdd(now, grace.toNanos());
    if (deadline >= abortDeadline) {
      return;
    }
    abortDeadline = deadline;
    if (graceTimer != null) {
      graceTimer.dispose();
      graceTimer = null;
    }
    if (deadline <= now) {
      fireAbort();
    } else {
      graceTimer = Mono.delay(Duration.ofNanos(deadline - now), scheduler).subscribe(x -> fireAbort());
    }
  }

  /** A fatal cause: stop starting calls; with {@code cutInFlight}, also cut calls in flight. */
  synchronized void fatal(ProvisioningStoppedException e, boolean cutInFlight) {
    failure.compareAndSet(null, e);
    report(reason(e), e.getMessage());
    fireStopping();
    if (cutInFlight) {
      fireAbort();
    }
  }

  /**
   * The input failed (e.g. the manifest broke off): start nothing more, let calls in flight end,
   * then end the run with {@code e}.
   */
  synchronized void inputFailed(Throwable e) {
    failure.compareAndSet(null, e);
    report(RunStopped.Reason.INPUT_FAILED, String.valueOf(e.getMessage()));
    fireStopping();
  }

  boolean isStopping() {
    return isStopping;
  }

  Mono<Void> stopping() {
    return stopping;
  }

  Mono<Void> abortNow() {
    return abortNow;
  }

  /** {@code wait}'s value, or a {@link Stopped} error once the run is stopping. */
  <T> Mono<T> whileRunning(Mono<T> wait) {
    return wait.takeUntilOther(stopping()).switchIfEmpty(Mono.error(Stopped::new));
  }

  /** Completes when {@code wait} completes, or errors with {@link Stopped} once the run is stopping. */
  Mono<Void> waitWhileRunning(Mono<?> wait) {
    return whileRunning(wait.then(Mono.just(Boolean.TRUE))).then();
  }

  /** Errors with the fatal cause, if any; else empty. */
  <T> Mono<T> failure() {
    return Mono.defer(() -> failure.get() == null ? Mono.empty() : Mono.error(failure.get()));
  }

  synchronized void dispose() {
    if (graceTimer != null) {
      graceTimer.dispose();
    }
  }

  private void report(RunStopped.Reason reason, String message) {
    if (!reported) {
      reported = true;
      listener.runStopped(new RunStopped(reason, message));
    }
  }

  private static RunStopped.Reason reason(ProvisioningStoppedException e) {
    if (e instanceof ApiKeyRejectedException) {
      return RunStopped.Reason.KEY_REJECTED;
    }
    if (e instanceof QuotaExceededException) {
      return RunStopped.Reason.QUOTA_EXCEEDED;
    }
    if (e instanceof TooManyFailuresException) {
      return RunStopped.Reason.TOO_MANY_FAILURES;
    }
    if (e instanceof ProvisionerClosedException) {
      return RunStopped.Reason.CLOSED;
    }
    return RunStopped.Reason.STOP_REQUESTED;
  }

  private void fireStopping() {
    isStopping = true;
    stopping.fire();
  }

  private void fireAbort() {
    abortNow.fire();
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
