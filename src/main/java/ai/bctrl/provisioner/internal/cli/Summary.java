package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.Durations;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Latencies;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.RetryCause;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a run did: counts per outcome, attempts and retries by cause, creates per second, with
 * {@code --rate auto} each space's learned rate, latency percentiles and wall time. Fed one result at a time (from one thread at a time); rendered as
 * text for standard error and as JSON for {@code --summary}. Holds no secret: it sees no request.
 * Constant memory: latencies go into a fixed-bucket histogram ({@link Latencies}, exact below one
 * second), the same the run report uses, so the two show the same percentiles.
 */
final class Summary {
  private final EnumMap<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
  private final Latencies.Recorder latencies = Latencies.recorder();
  private long latencyCount;
  private long attempts;
  private long skippedDone;
  private long keptUnhealthy;
  private long keptStopped;
  private long keptUnknown;
  private long unknownNoList;
  private Retries retries = Retries.NONE;
  private Duration wall = Duration.ZERO;
  private String stoppedBecause;
  private int exitCode = -1;
  private String manifest;
  private String ledger;
  private List<LearnedRate> learnedRates;
  /** Items ended {@code failed} or {@code unknown}, by error code: a count and the first message. */
  private final Map<String, ErrorCount> errors = new LinkedHashMap<>();
  private long errorsUntallied;

  /** One error code's items, and the message of the first. */
  private static final class ErrorCount {
    final String first;
    long count;

    ErrorCount(String first) {
      this.first = first;
    }
  }

  /** Error codes told apart; an API has a few dozen, so more is a sign of codes made up per item. */
  static final int MAX_ERROR_CODES = 100;
  /** Error codes shown in the text, the commonest first. */
  static final int ERROR_LINES = 3;

  /** Retries by cause, as the engine counts them. */
  record Retries(long rateLimited, long server5xx, long timeout, long reset, long other) {
    static final Retries NONE = new Retries(0, 0, 0, 0, 0);

    /** The engine's counts ({@code Provisioner.stats().retries()}); a cause it has not counted is 0. */
    static Retries of(Map<RetryCause, Long> r) {
      return new Retries(r.getOrDefault(RetryCause.RATE_LIMITED, 0L), r.getOrDefault(RetryCause.SERVER_5XX, 0L),
          r.getOrDefault(RetryCause.TIMEOUT, 0L), r.getOrDefault(RetryCause.RESET, 0L),
          r.getOrDefault(RetryCause.OTHER, 0L));
    }

    long total() {
      return rateLimited + server5xx + timeout + reset + other;
    }
  }

  /**
   * With {@code --rate auto}, one space's learned rate.
   *
   * @param settled the rate in force when the run ended, per second
   * @param lowest the lowest rate it used
   * @param highest the highest rate it used
   * @param calls create calls that ended in that space
   * @param rateLimited of those, how many were answered 429
   */
  record LearnedRate(String spaceId, double settled, double lowest, double highest, long calls, long rateLimited) {
    /** The share of calls answered 429, 0..1. */
    double rateLimitedShare() {
      return calls == 0 ? 0 : (double) rateLimited / calls;
    }
  }

  /** Spaces listed one a line in the text; the JSON has them all. */
  static final int LEARNED_RATE_LINES = 10;

  Summary() {
    for (Outcome o : Outcome.values()) {
      outcomes.put(o, 0L);
    }
  }

  /** Counts one item that ended in this run. */
  synchronized void add(ItemResult r) {
    outcomes.merge(r.outcome(), 1L, Long::sum);
    attempts += r.attempts();
    if ((r.outcome() == Outcome.FAILED || r.outcome() == Outcome.UNKNOWN) && r.errorCode() != null) {
      ErrorCount e = errors.get(r.errorCode());
      if (e == null && errors.size() < MAX_ERROR_CODES) {
        e = new ErrorCount(r.error() == null ? "" : r.error());
        errors.put(r.errorCode(), e);
      }
      if (e != null) {
        e.count++;
      } else {
        errorsUntallied++;
      }
    }
    if (r.attempts() > 0) {
      latencies.record(Math.max(0, r.latencyMs()));
      latencyCount++;
    }
  }

  synchronized void skippedDone() {
    skippedDone++;
  }

  synchronized void keptUnknown() {
    keptUnknown++;
  }

  /** An item of this run that ended {@code unknown} because {@code --no-list} could not settle it. */
  synchronized void unknownNoList() {
    unknownNoList++;
  }

  synchronized void keptUnhealthy() {
    keptUnhealthy++;
  }

  /** An item last {@code stopped} by teardown, kept. */
  synchronized void keptStopped() {
    keptStopped++;
  }

  synchronized long count(Outcome o) {
    return outcomes.get(o);
  }

  synchronized long ended() {
    return outcomes.values().stream().mapToLong(Long::longValue).sum();
  }

  synchronized long skippedDoneCount() {
    return skippedDone;
  }

  synchronized long keptUnknownCount() {
    return keptUnknown;
  }

  synchronized long keptUnhealthyCount() {
    return keptUnhealthy;
  }

  synchronized void retries(Retries r) {
    this.retries = r;
  }

  synchronized long retriesTotal() {
    return retries.total();
  }

  /** Names the manifest and ledger in the JSON form. */
  synchronized void files(String manifest, String ledger) {
    this.manifest = manifest;
    this.ledger = ledger;
  }

  /** With {@code --rate auto}: each space's learned rate. */
  synchronized void learnedRates(List<LearnedRate> rates) {
    this.learnedRates = List.copyOf(rates);
  }

  synchronized void finish(Duration wall, String stoppedBecause, int exitCode) {
    this.wall = wall;
    this.stoppedBecause = stoppedBecause;
    this.exitCode = exitCode;
  }

  /**
   * The latency at percentile {@code p} (0..100) by nearest rank, or -1 when there is none; exact
   * below one second, within 1.6% above (never above the largest).
   */
  synchronized long percentile(double p) {
    if (latencyCount == 0) {
      return -1;
    }
    return latencies.snapshot().percentileMs(p / 100.0);
  }

  synchronized double createsPerSecond() {
    double s = wall.toNanos() / 1e9;
    return s <= 0 ? 0 : outcomes.get(Outcome.CREATED) / s;
  }

  /** The text for standard error, several lines, ending in a newline. */
  synchronized String render() {
    StringBuilder sb = new StringBuilder();
    StringJoiner counts = new StringJoiner(", ");
    for (Outcome o : Outcome.values()) {
      if (!o.isTeardown() || outcomes.get(o) > 0) {     // a run never ends items stopped or deleted
        counts.add(outcomes.get(o) + " " + o.wire());
      }
    }
    sb.append("summary:\n");
    sb.append("  items      ").append(counts);
    sb.append("; ").append(skippedDone).append(" already done");
    if (keptUnhealthy > 0) {
      sb.append(", ").append(keptUnhealthy).append(" kept unhealthy");
    }
    if (keptStopped > 0) {
      sb.append(", ").append(keptStopped).append(" kept stopped");
    }
    if (keptUnknown > 0) {
      sb.append(", ").append(keptUnknown).append(" left unknown (--no-list)");
    }
    sb.append('\n');
    if (unknownNoList > 0 || keptUnknown > 0) {
      sb.append("  unknown    ").append(unknownNoList + keptUnknown)
          .append(" may or may not exist: their create was sent but its answer was lost, and --no-list cannot"
              + " check; they are never created again (look for their keys in the space by hand)\n");
    }
    sb.append("  attempts   ").append(attempts).append(" (retries: ")
        .append(retries.rateLimited).append(" after 429, ")
        .append(retries.server5xx).append(" after 5xx, ")
        .append(retries.timeout).append(" after timeout, ")
        .append(retries.reset).append(" after reset")
        .append(retries.other > 0 ? ", " + retries.other + " other" : "").append(")\n");
    sb.append("  rate       ").append(String.format(Locale.ROOT, "%.1f creates/s", createsPerSecond())).append('\n');
    if (learnedRates != null) {
      renderLearnedRates(sb, learnedRates);
    }
    if (latencyCount > 0) {
      sb.append("  latency    p50 ").append(percentile(50)).append("ms, p90 ").append(percentile(90))
          .append("ms, p99 ").append(percentile(99)).append("ms, max ").append(percentile(100)).append("ms\n");
    } else {
      sb.append("  latency    no calls made\n");
    }
    sb.append("  wall time  ").append(Durations.format(wall)).append('\n');
    renderErrors(sb);
    if (stoppedBecause != null) {
      sb.append("  stopped    ").append(stoppedBecause).append('\n');
    }
    if (exitCode >= 0) {
      sb.append("  exit code  ").append(exitCode).append('\n');
    }
    return sb.toString();
  }

  /**
   * Why items are not done: the commonest error codes of items ended {@code failed} or {@code
   * unknown}, each with its count and first message, so that a run whose every item failed the
   * same way (a base URL where nothing answers) says why without opening the ledger. Invalid rows
   * were told as they were read, aborted items by the stop.
   */
  private void renderErrors(StringBuilder sb) {
    List<Map.Entry<String, ErrorCount>> byCount = new java.util.ArrayList<>(errors.entrySet());
    byCount.sort((a, b) -> Long.compare(b.getValue().count, a.getValue().count)); // stable: first seen first
    long rest = errorsUntallied;
    int restCodes = 0;
    for (int i = 0; i < byCount.size(); i++) {
      Map.Entry<String, ErrorCount> e = byCount.get(i);
      if (i < ERROR_LINES) {
        sb.append(i == 0 ? "  errors     " : "             ").append(e.getValue().count).append(' ').append(e.getKey())
            .append(", first: ").append(e.getValue().first).append('\n');
      } else {
        rest += e.getValue().count;
        restCodes++;
      }
    }
    if (rest > 0) {
      sb.append("             and ").append(rest).append(rest == 1 ? " more item" : " more items")
          .append(errorsUntallied > 0 ? " with other codes"
              : " with " + restCodes + (restCodes == 1 ? " other code" : " other codes"))
          .append("; each item's error is in the ledger\n");
    }
  }

  /** With {@code --rate auto}: one line per space (the first {@value #LEARNED_RATE_LINES}); teardown's summary too. */
  static void renderLearnedRates(StringBuilder sb, List<LearnedRate> learnedRates) {
    if (learnedRates.isEmpty()) {
      sb.append("  learned    no rate: no call was made\n");
      return;
    }
    for (int i = 0; i < learnedRates.size() && i < LEARNED_RATE_LINES; i++) {
      LearnedRate r = learnedRates.get(i);
      sb.append(i == 0 ? "  learned    " : "             ")
          .append(learnedRates.size() > 1 ? r.spaceId() + ": " : "")
          .append(String.format(Locale.ROOT, "settled at %.1f/s (lowest %.1f, highest %.1f); %d of %d calls answered "
              + "429 (%.1f%%)", r.settled(), r.lowest(), r.highest(), r.rateLimited(), r.calls(),
              100 * r.rateLimitedShare()))
          .append('\n');
    }
    if (learnedRates.size() > LEARNED_RATE_LINES) {
      sb.append("             and ").append(learnedRates.size() - LEARNED_RATE_LINES)
          .append(" more spaces (--summary has them all)\n");
    }
  }

  /** {@code learnedRates} as the JSON field of that name ({@code null} without {@code --rate auto}); teardown's too. */
  static void learnedRatesJson(ObjectNode root, List<LearnedRate> learnedRates) {
    if (learnedRates == null) {
      root.putNull("learnedRates");
    } else {
      ArrayNode a = root.putArray("learnedRates");
      for (LearnedRate lr : learnedRates) {
        ObjectNode n = a.addObject();
        n.put("spaceId", lr.spaceId());
        n.put("settledPerSecond", round2(lr.settled()));
        n.put("lowestPerSecond", round2(lr.lowest()));
        n.put("highestPerSecond", round2(lr.highest()));
        n.put("calls", lr.calls());
        n.put("rateLimited429", lr.rateLimited());
        n.put("rateLimitedShare", Math.round(lr.rateLimitedShare() * 10_000) / 10_000.0);
      }
    }
  }

  /** The same as JSON. */
  synchronized String json() {
    JsonMapper mapper = JsonMapper.builder().build();
    ObjectNode root = mapper.createObjectNode();
    root.put("manifest", manifest);
    root.put("ledger", ledger);
    ObjectNode o = root.putObject("outcomes");
    for (Outcome out : Outcome.values()) {
      o.put(out.wire(), outcomes.get(out));
    }
    root.put("alreadyDone", skippedDone);
    root.put("keptUnhealthy", keptUnhealthy);
    root.put("keptStopped", keptStopped);
    root.put("keptUnknown", keptUnknown);
    root.put("unknownNoList", unknownNoList);
    root.put("attempts", attempts);
    ObjectNode r = root.putObject("retries");
    r.put("rateLimited429", retries.rateLimited);
    r.put("server5xx", retries.server5xx);
    r.put("timeout", retries.timeout);
    r.put("reset", retries.reset);
    r.put("other", retries.other);
    root.put("createsPerSecond", Math.round(createsPerSecond() * 100) / 100.0);
    learnedRatesJson(root, learnedRates);
    ObjectNode l = root.putObject("latencyMs");
    Map<String, Long> ps = new LinkedHashMap<>();
    ps.put("p50", percentile(50));
    ps.put("p90", percentile(90));
    ps.put("p99", percentile(99));
    ps.put("max", percentile(100));
    ps.forEach((k, v) -> {
      if (v < 0) {
        l.putNull(k);
      } else {
        l.put(k, v);
      }
    });
    root.put("wallTimeMs", wall.toMillis());
    root.put("stopped", stoppedBecause);
    root.put("exitCode", exitCode);
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
