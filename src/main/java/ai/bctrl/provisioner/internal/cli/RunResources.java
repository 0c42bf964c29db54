package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.internal.ledger.LedgerLock;
import ai.bctrl.provisioner.internal.ledger.LedgerWriter;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.util.function.Consumer;
import reactor.core.Disposable;

/**
 * What a run holds from the ledger lock on, released in one place and one order by {@link
 * #close()}: the deadline timer, progress, signal handlers, the ledger writer, the engine, the
 * in-process sandbox, and last the lock. The lock is released only after a clean end (by itself or
 * by a stop: {@link #endCleanly()}) or when nothing was sent yet; after an internal error mid-run it
 * stays, so the next run knows calls may have been in flight. Closing blocks (the ledger is forced
 * to disk): call it from {@code main}'s thread only.
 */
final class RunResources {
  private final LedgerLock lock;
  private final Watchdog watchdog;
  private Signals signals;
  private SandboxServer sandbox;
  private Provisioner engine;
  private LedgerWriter ledger;
  private Disposable deadline;
  private RunProgress progress;
  private boolean cleanEnd;

  RunResources(LedgerLock lock, Watchdog watchdog) {
    this.lock = lock;
    this.watchdog = watchdog;
  }

  LedgerLock lock() {
    return lock;
  }

  Signals signals(Signals s) {
    return signals = s;
  }

  SandboxServer sandbox(SandboxServer s) {
    return sandbox = s;
  }

  Provisioner engine(Provisioner e) {
    return engine = e;
  }

  /** Holds the ledger writer, and hands it to the watchdog to force before a halt. */
  LedgerWriter ledger(LedgerWriter w) {
    watchdog.watch(w);
    return ledger = w;
  }

  void deadline(Disposable d) {
    deadline = d;
  }

  void progress(RunProgress p) {
    progress = p;
  }

  /**
   * The run ended by itself or by a stop: nothing is in doubt. Stands the watchdog down, stops
   * progress (the summary follows) and closes the ledger, so every record is on disk.
   */
  void endCleanly() {
    cleanEnd = true;
    watchdog.finished();
    release(progress, RunProgress::stop);
    ledger.close();
  }

  /** Releases everything, in order; see the class comment for the lock. */
  void close() {
    watchdog.finished();
    release(deadline, Disposable::dispose);
    release(progress, RunProgress::close);
    release(signals, Signals::close);
    release(ledger, LedgerWriter::close);
    release(engine, Provisioner::close);
    release(sandbox, SandboxServer::close);
    if (cleanEnd || ledger == null) {
      lock.release();
    }
  }

  private static <T> void release(T held, Consumer<T> release) {
    if (held != null) {
      release.accept(held);
    }
  }
}
