package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Latencies;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The counts of one teardown: what progress shows, what decides the exit code (runtimes not torn
 * down), and the summary, as text for standard error and as JSON for {@code --summary}. Each
 * runtime whose teardown fails is told on standard error as it ends. Fed one result at a time, in
 * order, after the ledger has recorded it; thread-safe. Holds no secret: results are redacted
 * before they reach it.
 */
final class TeardownTally {
  /** Failures kept for the JSON summary; the rest are only counted (every one was told on stderr). */
  static final int MAX_FAILURES_KEPT = 1000;

  private final boolean keepStopped;
  private final PrintWriter err;
  private final Consumer<ItemResult> lastResults;
  private final AtomicLong ended = new AtomicLong();
  private final AtomicLong stopped = new AtomicLong();
  private final AtomicLong deleted = new AtomicLong();
  private final AtomicLong keptStopped = new AtomicLong();
  private final AtomicLong notFound = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private final Latencies.Recorder latency = Latencies.recorder();
  private final List<ItemResult> failures = new ArrayList<>();
  private volatile long total = -1;
  private volatile List<Summary.LearnedRate> learnedRates;

  /** @param lastResults told each runtime's last result (not a {@code stopped} its delete follows): the report */
  TeardownTally(boolean keepStopped, PrintWriter err, Consumer<ItemResult> lastResults) {
    this.keepStopped = keepStopped;
    this.err = err;
    this.lastResults = lastResults;
  }

  /** With {@code --rate auto}: each space's learned rate, for the summary. */
  void learnedRates(List<Summary.LearnedRate> rates) {
    learnedRates = List.copyOf(rates);
  }

  /** Runtimes not found in their space: nothing was there to tear down. */
  long notFound() {
    return notFound.get();
  }

  /** The runtimes and keys the teardown takes, for progress. */
  void total(long n) {
    total = n;
  }

  /** One result, as the ledger recorded it (or not: failures and stops get no record). */
  void result(ItemResult r) {
    Outcome o = r.outcome();
    if (o == Outcome.STOPPED) {
      stopped.incrementAndGet();
      if (!keepStopped) {
        return;                                    // its delete follows: not the runtime's end
      }
      keptStopped.incrementAndGet();
    } else if (o == Outcome.DELETED) {
      (r.runtimeId() == null ? notFound : deleted).incrementAndGet();
    } else if (o == Outcome.ABORTED) {
      aborted.incrementAndGet();
    } else {
      (o == Outcome.UNKNOWN ? unknown : failed).incrementAndGet();
      tell(r);
    }
    ended.incrementAndGet();
    lastResults.accept(r);
    calls.addAndGet(r.attempts());
    if (r.attempts() > 0) {
      latency.record(r.latencyMs());
    }
  }

  private void tell(ItemResult r) {
    synchronized (failures) {
      if (failures.size() < MAX_FAILURES_KEPT) {
        failures.add(r);
      }
    }
    err.println("provisioner: not torn down: " + r.key() + " (" + (r.runtimeId() == null ? "" : "runtime "
        + r.runtimeId() + ", ") + "space " + r.spaceId() + "): " + r.error()
        + "; its ledger record is unchanged, run teardown again");
    err.flush();
  }

  /** Runtimes (or keys) not torn down: failed, or their space could not be listed. Exit 2 when any. */
  long notDone() {
    return failed.get() + unknown.get();
  }

  Progress.Snapshot snapshot(long inFlight, long retries) {
    return new Progress.Snapshot(ended.get(), total, inFlight, retries);
  }

  /** The summary for standard error, several lines, ending in a newline. */
  String render(Summary.Retries retries, Duration wall, String stoppedBecause, int exitCode) {
    StringBuilder sb = new StringBuilder("summary:\n");
    sb.append("  runtimes   ").append(deleted.get()).append(" deleted, ")
        .append(keepStopped ? keptStopped.get() + " stopped (kept), " : "")
        .append(failed.get()).append(" failed, ").append(aborted.get()).append(" aborted");
    if (notFound.get() > 0) {
      sb.append("; ").append(notFound.get()).append(" not found in their space (nothing to tear down)");
    }
    sb.append('\n');
    if (notDone() > 0) {
      sb.append("  not done   ").append(notDone()).append(" not torn down (listed above): their ledger records are"
          + " unchanged; run teardown again once the cause is fixed\n");
    }
    sb.append("  calls      ").append(calls.get()).append(" (retries: ")
        .append(retries.rateLimited()).append(" after 429, ")
        .append(retries.server5xx()).append(" after 5xx, ")
        .append(retries.timeout()).append(" after timeout, ")
        .append(retries.reset()).append(" after reset")
        .append(retries.other() > 0 ? ", " + retries.other() + " other" : "").append(")\n");
    if (learnedRates != null) {
      Summary.renderLearnedRates(sb, learnedRates);
    }
    Latencies l = latency.snapshot();
    if (l.count() > 0) {
      sb.append("  latency    p50 ").append(l.percentileMs(0.5)).append("ms, p90 ").append(l.percentileMs(0.9))
          .append("ms, p99 ").append(l.percentileMs(0.99)).append("ms, max ").append(l.maxMs()).append("ms\n");
    } else {
      sb.append("  latency    no calls made\n");
    }
    sb.append("  wall time  ").append(Durations.format(wall)).append('\n');
    if (stoppedBecause != null) {
      sb.append("  stopped    ").append(stoppedBecause).append('\n');
    }
    sb.append("  exit code  ").append(exitCode).append('\n');
    return sb.toString();
  }

  /** The same as JSON, with the failures (the first {@value #MAX_FAILURES_KEPT}). */
  String json(String ledger, Summary.Retries retries, Duration wall, String stoppedBecause, int exitCode) {
    JsonMapper mapper = JsonMapper.builder().build();
    ObjectNode root = mapper.createObjectNode();
    root.put("ledger", ledger);
    root.put("keepStopped", keepStopped);
    ObjectNode o = root.putObject("runtimes");
    o.put("stopped", stopped.get());
    o.put("deleted", deleted.get());
    o.put("keptStopped", keptStopped.get());
    o.put("notFound", notFound.get());
    o.put("failed", failed.get());
    o.put("unknown", unknown.get());
    o.put("aborted", aborted.get());
    root.put("calls", calls.get());
    ObjectNode r = root.putObject("retries");
    r.put("rateLimited429", retries.rateLimited());
    r.put("server5xx", retries.server5xx());
    r.put("timeout", retries.timeout());
    r.put("reset", retries.reset());
    r.put("other", retries.other());
    Summary.learnedRatesJson(root, learnedRates);
    Latencies l = latency.snapshot();
    ObjectNode lat = root.putObject("latencyMs");
    if (l.count() == 0) {
      lat.putNull("p50").putNull("p90").putNull("p99").putNull("max");
    } else {
      lat.put("p50", l.percentileMs(0.5)).put("p90", l.percentileMs(0.9)).put("p99", l.percentileMs(0.99))
          .put("max", l.maxMs());
    }
    root.put("wallTimeMs", wall.toMillis());
    root.put("stopped", stoppedBecause);
    root.put("exitCode", exitCode);
    ArrayNode f = root.putArray("failures");
    synchronized (failures) {
      for (ItemResult x : failures) {
        f.addObject().put("key", x.key()).put("spaceId", x.spaceId()).put("runtimeId", x.runtimeId())
            .put("outcome", x.outcome().wire()).put("errorCode", x.errorCode()).put("error", x.error());
      }
    }
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }
}
