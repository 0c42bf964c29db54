package ai.bctrl.provisioner.sandbox;

import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;

/**
 * Work the sandbox runs apart from any request (a create's latency, a hold), as a real server goes
 * on with a request it has accepted whether or not its client stays. Each task is kept until it
 * runs, so that {@link #dispose} cancels every one not yet run. Thread-safe.
 */
final class Detached {
  private final Disposable.Composite pending = Disposables.composite();

  /** Runs {@code task} after {@code nanos} on {@code on}. After {@link #dispose} nothing is scheduled any more. */
  void after(Scheduler on, long nanos, Runnable task) {
    Disposable.Swap slot = Disposables.swap();
    if (!pending.add(slot)) {
      return;
    }
    slot.update(on.schedule(
        () -> {
          pending.remove(slot);
          task.run();
        },
        nanos, TimeUnit.NANOSECONDS));
  }

  /** Tasks not yet run; for tests. */
  int size() {
    return pending.size();
  }

  /** Cancels every task not yet run: it never happens. */
  void dispose() {
    pending.dispose();
  }
}
