package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.ledger.LedgerWriter;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * A run asked to stop must end: once {@link #arm armed}, if the run has not {@link #finished()}
 * within the grace plus {@link #STUCK_SLACK}, the ledger is forced to disk, its last words are said
 * (the {@code --report} page of what was recorded so far) and the process halts with the stop's
 * exit code, leaving the lock file so the next run settles what may have been in flight.
 * In-process runs (tests) never halt the JVM. It waits on its own daemon thread, never on a Netty
 * or parallel thread.
 */
final class Watchdog {
  /** How long past its grace a stopping run may take before the watchdog ends the process. */
  static final Duration STUCK_SLACK = Duration.ofSeconds(15);
  /** The longest the last words may take: a stuck run must end even if writing its report hangs. */
  static final Duration LAST_WORDS_BOUND = Duration.ofSeconds(5);

  private final Io io;
  private final IntSupplier exitCode;
  private final Runnable lastWords;
  private final Duration lastWordsBound;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicBoolean expired = new AtomicBoolean();
  private volatile LedgerWriter ledger;

  /**
   * @param exitCode the code to halt with, asked at the moment of halting
   * @param lastWords run once the ledger is forced, before the halt, on a thread of its own that
   *     is waited for at most {@link #LAST_WORDS_BOUND}; it may block on file I/O, and what it
   *     throws is ignored
   */
  Watchdog(Io io, IntSupplier exitCode, Runnable lastWords) {
    this(io, exitCode, lastWords, LAST_WORDS_BOUND);
  }

  Watchdog(Io io, IntSupplier exitCode, Runnable lastWords, Duration lastWordsBound) {
    this.io = io;
    this.exitCode = exitCode;
    this.lastWords = lastWords;
    this.lastWordsBound = lastWordsBound;
  }

  /** The ledger to force before halting. */
  void watch(LedgerWriter ledger) {
    this.ledger = ledger;
  }

  /** The run has ended (or is closing down by itself): the watchdog stands down. */
  void finished() {
    finished.set(true);
  }

  /** Starts the countdown of {@code grace} plus {@link #STUCK_SLACK}; only the first call counts. */
  void arm(Duration grace) {
    if (!armed.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(grace.plus(STUCK_SLACK).toMillis());
      } catch (InterruptedException e) {
        return;
      }
      expire();
    }, "stop-watchdog");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The countdown ran out: unless the run has finished meanwhile, says so, forces the ledger, says
   * the last words (waiting for them at most their bound) and halts (the real process only). Once
   * at most.
   */
  void expire() {
    if (finished.get() || !expired.compareAndSet(false, true)) {
      return;
    }
    io.err().println("provisioner: the run did not stop within the grace; exiting now"
        + " (the next run settles the calls that were in flight)");
    io.err().flush();
    LedgerWriter w = ledger;
    if (w != null) {
      try {
        w.force();
      } catch (IOException | RuntimeException e) {
        // nothing more can be done
      }
    }
    Thread words = new Thread(() -> {
      try {
        lastWords.run();
      } catch (RuntimeException e) {
        // the ledger is safe; the process ends all the same
      }
    }, "stop-watchdog-last-words");
    words.setDaemon(true);
    words.start();
    try {
      words.join(lastWordsBound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (io.mayHalt()) {
      Runtime.getRuntime().halt(exitCode.getAsInt());
    }
  }
}
