package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * Progress on standard error: on a terminal a live one-line bar redrawn with {@code \r} four times
 * a second; otherwise (a job's log) one plain line every ten seconds.
 */
final class Progress {
  /**
   * What progress shows. {@code total} is -1 while the manifest is still being read; {@code
   * learnedRate} is the rate {@code --rate auto} allows now (summed over spaces), NaN without it.
   */
  record Snapshot(long done, long total, long inFlight, long retries, double learnedRate) {
    Snapshot(long done, long total, long inFlight, long retries) {
      this(done, total, inFlight, retries, Double.NaN);
    }

    Snapshot withLearnedRate(double rate) {
      return new Snapshot(done, total, inFlight, retries, rate);
    }
  }

  private final PrintWriter err;
  private final boolean terminal;
  private final Supplier<Snapshot> source;
  private final Scheduler scheduler;
  private final long startNanos;
  private Disposable ticks;
  private int lastWidth;

  Progress(PrintWriter err, boolean terminal, Supplier<Snapshot> source, Scheduler scheduler) {
    this.err = err;
    this.terminal = terminal;
    this.source = source;
    this.scheduler = scheduler;
    this.startNanos = scheduler.now(java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void start() {
    Duration every = terminal ? Duration.ofMillis(250) : Duration.ofSeconds(10);
    ticks = Flux.interval(every, every, scheduler).subscribe(t -> draw());
  }

  /**
   * Stops drawing. On a terminal the bar is cleared (the summary follows); in a log, one last
   * plain line shows where the run got to. Idempotent.
   */
  synchronized void stop() {
    if (ticks == null || ticks.isDisposed()) {
      return;
    }
    ticks.dispose();
    if (terminal) {
      if (lastWidth > 0) {
        err.print("\r" + " ".repeat(lastWidth) + "\r");
        err.flush();
      }
      lastWidth = 0;
    } else {
      draw();
    }
  }

  synchronized void draw() {
    double seconds = (scheduler.now(java.util.concurrent.TimeUnit.NANOSECONDS) - startNanos) / 1e9;
    String line = line(source.get(), seconds);
    if (terminal) {
      String padded = line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
      err.print("\r" + padded);
      lastWidth = line.length();
    } else {
      err.println("progress: " + line);
    }
    err.flush();
  }

  static String line(Snapshot s, double seconds) {
    double rate = seconds > 0 ? s.done() / seconds : 0;
    StringBuilder sb = new StringBuilder();
    if (s.total() >= 0) {
      int width = 20;
      int filled = s.total() == 0 ? width : (int) Math.min(width, s.done() * width / s.total());
      sb.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
      sb.append(s.done()).append('/').append(s.total());
    } else {
      sb.append(s.done()).append("/?");
    }
    sb.append(String.format(Locale.ROOT, "  %.1f/s  in flight %d  retries %d", rate, s.inFlight(), s.retries()));
    if (!Double.isNaN(s.learnedRate())) {
      sb.append(String.format(Locale.ROOT, "  rate %.1f/s", s.learnedRate()));
    }
    if (s.total() >= 0 && rate > 0 && s.done() < s.total()) {
      long eta = (long) Math.ceil((s.total() - s.done()) / rate);
      sb.append("  ETA ").append(Durations.format(Duration.ofSeconds(eta)));
    }
    return sb.toString();
  }
}
