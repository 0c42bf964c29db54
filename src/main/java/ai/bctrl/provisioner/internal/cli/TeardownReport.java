package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.Durations;
import ai.bctrl.provisioner.internal.report.ReportPage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code --report} page of a teardown: the run report's page ({@link ReportFile}), titled and
 * counted as a teardown: its calls are stop and delete calls, a runtime is done once {@code
 * deleted} (or {@code stopped}, with {@code --keep-stopped}), and its settings are teardown's flags,
 * one by one, never the key.
 */
final class TeardownReport {
  private TeardownReport() {}

  /** The outcomes that end a runtime's teardown well. */
  static Set<Outcome> done(boolean keepStopped) {
    return keepStopped ? EnumSet.of(Outcome.STOPPED, Outcome.DELETED) : EnumSet.of(Outcome.DELETED);
  }

  static ReportPage page(TeardownSettings s, TeardownTally tally, Instant startedAt, Duration wall, int exitCode,
      String why, String generator) {
    List<ReportPage.Setting> out = new ArrayList<>();
    out.add(new ReportPage.Setting("LEDGER", s.ledger().toString()));
    out.add(new ReportPage.Setting("--base-url", String.valueOf(s.baseUrl())));
    out.add(new ReportPage.Setting("API key", "never written here"));
    out.add(new ReportPage.Setting("--keep-stopped", s.keepStopped() ? "on" : "off"));
    out.add(new ReportPage.Setting("--concurrency", Integer.toString(s.concurrency())));
    out.add(new ReportPage.Setting("--rate", s.autoRate()
        ? "auto" + (s.maxRate() > 0 ? " (at most " + s.maxRate() + " per second)" : "")
        : s.rate() == 0 ? "0 (no limit)" : s.rate() + " per second"));
    out.add(new ReportPage.Setting("--burst", Integer.toString(s.burst())));
    out.add(new ReportPage.Setting("--max-attempts", Integer.toString(s.maxAttempts())));
    out.add(new ReportPage.Setting("--request-timeout", Durations.format(s.requestTimeout())));
    out.add(new ReportPage.Setting("--max-consecutive-failures", Integer.toString(s.maxConsecutiveFailures())));
    out.add(new ReportPage.Setting("--no-list", s.noList() ? "on" : "off"));
    if (s.deadline() != null) {
      out.add(new ReportPage.Setting("--deadline", Durations.format(s.deadline())));
    }
    out.add(new ReportPage.Setting("--grace", Durations.format(s.grace())));
    if (s.summary() != null) {
      out.add(new ReportPage.Setting("--summary", s.summary().toString()));
    }
    List<ReportPage.Figure> figures = List.of(new ReportPage.Figure("not-found", "not found in their space (nothing"
        + " to tear down)", Long.toString(tally.notFound())));
    return new ReportPage("Teardown", "stop and delete calls", startedAt, wall, exitCode,
        why != null ? why : why(exitCode, tally), out, figures,
        !s.autoRate() && s.rate() > 0 ? s.rate() : null, s.concurrency(), generator, done(s.keepStopped()));
  }

  private static String why(int exitCode, TeardownTally tally) {
    if (exitCode == ExitCodes.OK) {
      return "every runtime the ledger holds is torn down";
    }
    if (exitCode == ExitCodes.INCOMPLETE) {
      return tally.notDone() + (tally.notDone() == 1 ? " runtime is" : " runtimes are")
          + " not torn down; their ledger records are unchanged: run teardown again";
    }
    return "see the summary";
  }
}
