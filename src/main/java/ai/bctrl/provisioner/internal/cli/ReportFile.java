package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.Durations;
import ai.bctrl.provisioner.internal.report.HtmlReport;
import ai.bctrl.provisioner.internal.report.ReportPage;
import ai.bctrl.provisioner.internal.report.ReportRecorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.LongSupplier;

/**
 * Stage "run report" ({@code --report PATH}): records the run from its start ({@link #recorder()}
 * takes the provisioner's events, {@link #item} each item as recorded) and, once it has ended, by
 * itself or by a stop, writes the page ({@link #write}). Without {@code --report} it records
 * nothing and writes nothing. The page lists the settings one by one (never the API key) and every
 * text in it passes the run's {@link Redactor}.
 */
final class ReportFile {
  private final Path path;
  private final ReportRecorder recorder;
  private final Instant startedAt;

  private ReportFile(Path path, ReportRecorder recorder, Instant startedAt) {
    this.path = path;
    this.recorder = recorder;
    this.startedAt = startedAt;
  }

  /** The report of a run that starts now; a no-op when {@code path} is {@code null}. */
  static ReportFile start(Path path, Instant now, LongSupplier nanoTime) {
    return new ReportFile(path, path == null ? null : new ReportRecorder(nanoTime), now);
  }

  /** The report of other work (a teardown) whose items are done when they end with one of {@code done}. */
  static ReportFile start(Path path, Instant now, LongSupplier nanoTime, Set<Outcome> done) {
    return new ReportFile(path, path == null ? null : new ReportRecorder(nanoTime, done), now);
  }

  /** When the work started, for its page. */
  Instant startedAt() {
    return startedAt;
  }

  /**
   * Refuses a {@code --report} path whose directory does not exist, or that is a directory, before
   * anything runs: a typo found after a two-hour run would cost its report.
   */
  static void check(Path path) {
    if (path == null) {
      return;
    }
    if (Files.isDirectory(path)) {
      throw new UsageException("--report " + path + " is a directory; give a file name, like run-report.html");
    }
    Path dir = path.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UsageException("--report " + path + ": the directory " + dir + " does not exist; create it first");
    }
  }

  boolean enabled() {
    return recorder != null;
  }

  /** What the provisioner's events feed; {@code null} without {@code --report}. */
  ReportRecorder recorder() {
    return recorder;
  }

  /** An item as recorded in the ledger (a {@link RunTally} observer). */
  void item(ItemResult r) {
    if (recorder != null) {
      recorder.item(r);
    }
  }

  /**
   * Writes the page for a run that has ended. Blocking file I/O: call it from {@code main}'s thread.
   * A file that cannot be written is told in one line and does not change the exit code.
   */
  void write(RunSettings s, Summary summary, int exitCode, String why, Duration wall, Redactor redactor, Io io) {
    if (recorder == null) {
      return;
    }
    write(new ReportPage("Provisioning run", "create calls", startedAt, wall, exitCode,
        why != null ? why : why(exitCode, summary), settings(s), figures(summary),
        !s.autoRate() && s.rate() > 0 ? s.rate() : null, s.concurrency(), "provisioner " + version()),
        redactor, io);
  }

  /**
   * Writes {@code page} over what was recorded, for work that has ended (a teardown builds its own
   * page). Blocking file I/O, from {@code main}'s thread; a file that cannot be written is told in
   * one line. Nothing without {@code --report}.
   */
  synchronized void write(ReportPage page, Redactor redactor, Io io) {
    if (recorder == null) {
      return;
    }
    recorder.finished();
    String html = HtmlReport.render(page, recorder.data(), redactor::redact);
    try {
      writeAtomically(path, html);
    } catch (IOException | RuntimeException e) {
      io.err().println("provisioner: cannot write --report " + path + " (" + e.getClass().getSimpleName()
          + "); the summary above is complete");
      io.err().flush();
    }
  }

  /** Why a run ends when {@code e} cut it short: the line the user is told (exit 1). */
  static String whyFailed(RuntimeException e) {
    return e instanceof RunFailedException ? Main.oneLine(e.getMessage()) : "internal error: " + Main.describe(e);
  }

  /** Why a run ends when the watchdog halts it: {@code stop} (its stop's reason, if known) did not end it in time. */
  static String whyHalted(String stop) {
    return (stop == null ? "" : stop + "; ") + "it did not stop within its grace and was ended"
        + " (the next run settles the calls that were in flight)";
  }

  /** Why a run that was not stopped early exits with {@code code}. */
  static String why(int code, Summary summary) {
    if (code == ExitCodes.OK) {
      return "every item is created or adopted";
    }
    if (code == ExitCodes.MANIFEST) {
      return "the manifest broke off mid-run; fix it and run again to resume";
    }
    if (code == ExitCodes.INCOMPLETE) {
      StringJoiner parts = new StringJoiner(", ");
      long notDone = 0;
      for (Outcome o : Outcome.values()) {
        long n = summary.count(o);
        if (!o.isDone() && n > 0) {
          parts.add(n + " " + o.wire());
          notDone += n;
        }
      }
      if (summary.keptUnhealthyCount() > 0) {
        parts.add(summary.keptUnhealthyCount() + " kept unhealthy from an earlier run");
        notDone += summary.keptUnhealthyCount();
      }
      if (summary.keptUnknownCount() > 0) {
        parts.add(summary.keptUnknownCount() + " left unknown from an earlier run (--no-list)");
        notDone += summary.keptUnknownCount();
      }
      return notDone + (notDone == 1 ? " item is" : " items are") + " not done (" + parts
          + "); run again to retry them";
    }
    return "see the summary";
  }

  private static List<ReportPage.Setting> settings(RunSettings s) {
    List<ReportPage.Setting> out = new ArrayList<>();
    ManifestArgs m = s.manifest();
    out.add(new ReportPage.Setting("manifest", s.manifestPath() == null ? "- (standard input)" : s.manifestPath().toString()));
    out.add(new ReportPage.Setting("--ledger", s.ledger().toString()));
    out.add(new ReportPage.Setting("--base-url", s.sandbox() ? "--sandbox (simulated API in the run's process)"
        : String.valueOf(s.baseUrl())));
    out.add(new ReportPage.Setting("API key", "never written here"));
    add(out, "--space", s.space());
    add(out, "--batch", m.batch);
    add(out, "--shard", m.shard == null ? null : m.shard.index() + "/" + m.shard.count());
    add(out, "--defaults", m.defaults == null ? null : m.defaults.toString());
    add(out, "--max-items", m.maxItems == null ? null : m.maxItems.toString());
    out.add(new ReportPage.Setting("--concurrency", Integer.toString(s.concurrency())));
    out.add(new ReportPage.Setting("--rate", s.autoRate() ? "auto (learned per space)"
        : s.rate() == 0 ? "0 (no limit)" : num(s.rate()) + " per second"));
    if (s.autoRate() && s.maxRate() > 0) {
      out.add(new ReportPage.Setting("--max-rate", num(s.maxRate()) + " per second"));
    }
    out.add(new ReportPage.Setting("--burst", Integer.toString(s.burst())));
    out.add(new ReportPage.Setting("--max-attempts", Integer.toString(s.maxAttempts())));
    out.add(new ReportPage.Setting("--request-timeout", Durations.format(s.requestTimeout())));
    out.add(new ReportPage.Setting("--settle-delay", Durations.format(s.settleDelay())));
    out.add(new ReportPage.Setting("--max-consecutive-failures", Integer.toString(s.maxConsecutiveFailures())));
    out.add(new ReportPage.Setting("--replace-unhealthy", s.replaceUnhealthy() ? "on" : "off"));
    out.add(new ReportPage.Setting("--no-list", s.noList() ? "on" : "off"));
    add(out, "--deadline", s.deadline() == null ? null : Durations.format(s.deadline()));
    out.add(new ReportPage.Setting("--grace", Durations.format(s.grace())));
    add(out, "--summary", s.summary() == null ? null : s.summary().toString());
    return out;
  }

  private static List<ReportPage.Figure> figures(Summary summary) {
    return List.of(
        new ReportPage.Figure("already-done", "already done (skipped)", Long.toString(summary.skippedDoneCount())),
        new ReportPage.Figure("kept-unhealthy", "kept unhealthy", Long.toString(summary.keptUnhealthyCount())),
        new ReportPage.Figure("kept-unknown", "left unknown (--no-list)", Long.toString(summary.keptUnknownCount())));
  }

  private static void add(List<ReportPage.Setting> out, String name, String value) {
    if (value != null) {
      out.add(new ReportPage.Setting(name, value));
    }
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  static String version() {
    String v = ReportFile.class.getPackage().getImplementationVersion();
    return v == null ? "(development build)" : v;
  }

  /** Written aside and moved into place, so a reader never sees half a page; owner-only, like the summary. */
  private static void writeAtomically(Path target, String html) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
