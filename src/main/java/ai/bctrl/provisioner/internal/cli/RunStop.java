package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.Durations;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Why and how a run stops early: SIGINT/SIGTERM ({@link #onSignal}), {@code --deadline} ({@link
 * #deadline}) and the engine's own stop ({@link #engineStopped}). A stop is told once on standard
 * error, handed to the engine as a grace ({@link #requests()}: replayed, so a stop before the engine
 * starts still counts), and arms the {@link Watchdog}. The first cause wins, except that a signal
 * overrides a deadline or engine stop (its exit code comes first). It never blocks: signal handlers
 * and the deadline's timer call it.
 */
final class RunStop {
  private final Io io;
  private final Duration grace;
  private final Watchdog watchdog;
  private final Sinks.Many<Duration> requests = Sinks.many().replay().all();
  private final AtomicReference<ExitCodes.Stop> kind = new AtomicReference<>(ExitCodes.Stop.NONE);
  private final AtomicReference<String> why = new AtomicReference<>();

  /** @param grace {@code --grace}: how long in-flight calls may finish after a stop */
  RunStop(Io io, Duration grace, Watchdog watchdog) {
    this.io = io;
    this.grace = grace;
    this.watchdog = watchdog;
  }

  /** The stops asked for, each as the grace in-flight calls get; for {@code Provisioner#provision}. */
  Flux<Duration> requests() {
    return requests.asFlux();
  }

  /** Why the run stopped early, if it did. */
  ExitCodes.Stop kind() {
    return kind.get();
  }

  /** The stop's one-line reason for the summary, or {@code null}. */
  String why() {
    return why.get();
  }

  /** A {@link Signals} handler: the first signal stops with the grace, the second at once. */
  void onSignal(String name, int count) {
    ExitCodes.Stop k = "INT".equals(name) ? ExitCodes.Stop.SIGINT : ExitCodes.Stop.SIGTERM;
    if (count == 1) {
      io.err().println();
      io.err().println("provisioner: SIG" + name + " received: starting no more calls; in-flight calls get up to "
          + Durations.format(grace) + (io.terminal() ? " (Ctrl-C again to stop at once)" : ""));
      request(k, "interrupted by SIG" + name, grace);
    } else {
      io.err().println("provisioner: SIG" + name + " again: stopping in-flight calls now");
      request(k, "interrupted by SIG" + name, Duration.ZERO);
    }
  }

  /** Stops the run with the grace once {@code deadline} has passed; dispose it when the run ends. */
  Disposable deadline(Duration deadline) {
    return Mono.delay(deadline, Schedulers.parallel())
        .subscribe(x -> request(ExitCodes.Stop.STOPPED,
            "the --deadline of " + Durations.format(deadline) + " passed", grace));
  }

  /** The engine stopped the run by itself (key rejected, quota, too many failures); {@code why} is redacted. */
  void engineStopped(String why) {
    kind.compareAndSet(ExitCodes.Stop.NONE, ExitCodes.Stop.STOPPED);
    this.why.compareAndSet(null, why);
    io.err().println("provisioner: stopped: " + why);
  }

  private synchronized void request(ExitCodes.Stop k, String reason, Duration g) {
    ExitCodes.Stop before = kind.get();
    if (before == ExitCodes.Stop.NONE || (before == ExitCodes.Stop.STOPPED && k != ExitCodes.Stop.STOPPED)) {
      kind.set(k);
      why.set(reason);
    }
    if (k == ExitCodes.Stop.STOPPED && before == ExitCodes.Stop.NONE) {
      io.err().println("provisioner: " + reason + ": starting no more calls; in-flight calls get up to "
          + Durations.format(g));
    }
    requests.emitNext(g, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    watchdog.arm(g);
  }
}
