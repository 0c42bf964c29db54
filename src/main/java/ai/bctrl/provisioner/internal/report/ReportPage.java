package ai.bctrl.provisioner.internal.report;

import ai.bctrl.provisioner.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a report says about its run besides what the {@link ReportRecorder} recorded: its title and
 * what its calls are called (so a run and a teardown share the page), when it ran, its exit code
 * and why, and the settings it used. Holds no secret by construction: callers list settings one by
 * one, never the API key; the writer redacts every text anyway.
 *
 * @param title the page's title, e.g. {@code Provisioning run}
 * @param calls what one call is, plural, e.g. {@code create calls}
 * @param startedAt when the run started
 * @param wall how long it ran
 * @param exitCode its exit code
 * @param exitWhy why it exited so, one line
 * @param settings the settings used, in the order shown
 * @param figures more figures for the totals (e.g. items already done), each with its element id
 * @param rateLimit a fixed limit on calls started per second, drawn as a line; {@code null} for none
 * @param concurrency most calls in flight, drawn as a line; {@code null} for none
 * @param generator what wrote the page, e.g. {@code provisioner 0.1.0}
 * @param done the outcomes that count as done (a run's {@code created} and {@code adopted}, a
 *     teardown's {@code deleted}); the page shows the outcomes of its kind of work, and any other
 *     that occurred
 */
public record ReportPage(
    String title,
    String calls,
    Instant startedAt,
    Duration wall,
    int exitCode,
    String exitWhy,
    List<Setting> settings,
    List<Figure> figures,
    Double rateLimit,
    Integer concurrency,
    String generator,
    Set<Outcome> done) {

  /** The page of a provisioning run: done is {@code created} or {@code adopted}. */
  public ReportPage(String title, String calls, Instant startedAt, Duration wall, int exitCode, String exitWhy,
      List<Setting> settings, List<Figure> figures, Double rateLimit, Integer concurrency, String generator) {
    this(title, calls, startedAt, wall, exitCode, exitWhy, settings, figures, rateLimit, concurrency, generator,
        EnumSet.of(Outcome.CREATED, Outcome.ADOPTED));
  }

  public ReportPage {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(calls, "calls");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(wall, "wall");
    settings = List.copyOf(settings);
    figures = List.copyOf(figures);
    done = Collections.unmodifiableSet(EnumSet.copyOf(done));
  }

  /** The outcomes shown: those of this page's kind of work (a run's, or a teardown's), and any other that occurred. */
  List<Outcome> shownOutcomes(ReportData data) {
    boolean teardown = done.stream().anyMatch(Outcome::isTeardown);
    return java.util.Arrays.stream(Outcome.values()).filter(o -> o.isTeardown() == teardown || data.total(o) > 0)
        .toList();
  }

  /** The done outcomes for a note: "created or adopted". */
  String doneWords() {
    return String.join(" or ", done.stream().map(Outcome::wire).toList());
  }

  /** One setting: its name as the user knows it (a flag) and its value. */
  public record Setting(String name, String value) {}

  /**
   * One figure for the totals.
   *
   * @param id the element id its value is written in (letters, digits and dashes)
   * @param label what it counts
   * @param value its value
   */
  public record Figure(String id, String label, String value) {
    public Figure {
      if (!id.matches("[a-z][a-z0-9-]*")) {
        throw new IllegalArgumentException("figure id must be lower-case letters, digits and dashes but was " + id);
      }
    }
  }
}
