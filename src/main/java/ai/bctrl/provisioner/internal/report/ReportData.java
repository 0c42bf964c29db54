package ai.bctrl.provisioner.internal.report;

import ai.bctrl.provisioner.Latencies;
import ai.bctrl.provisioner.Outcome;
import java.util.List;
import java.util.Map;

/**
 * What a {@link ReportRecorder} recorded, copied at one moment for the page.
 *
 * @param timeline the per-second buckets (series as named by {@link ReportRecorder})
 * @param latency item latencies (first call's start to the item's end), for percentiles
 * @param latencyBins the same in {@link LatencyBins}' bins, for the histogram
 * @param bySpace per space, items by {@link Outcome} (indexed by ordinal), in order of first appearance
 * @param errors items not done, by error code, in order of first appearance
 * @param answers calls by answer ({@code "503 server.unavailable"}, {@code "no answer (timeout)"})
 * @param rateSpaces the spaces whose learned rate is in the timeline's rate levels, in order
 * @param attempts calls made, summed over the items that ended
 * @param settledFound settle listings that found the item's key
 * @param settledNotFound settle listings that did not
 * @param stop why the run stopped early, or {@code null}
 */
public record ReportData(
    Timeline.Snapshot timeline,
    Latencies latency,
    long[] latencyBins,
    Map<String, long[]> bySpace,
    List<ReportRecorder.ErrorCount> errors,
    Map<String, Long> answers,
    List<String> rateSpaces,
    long attempts,
    long settledFound,
    long settledNotFound,
    ReportRecorder.Stop stop) {

  /** Items that ended with {@code outcome}, over every space. */
  public long total(Outcome outcome) {
    return bySpace.values().stream().mapToLong(c -> c[outcome.ordinal()]).sum();
  }

  /** Items that ended, every outcome. */
  public long items() {
    return bySpace.values().stream().mapToLong(c -> java.util.Arrays.stream(c).sum()).sum();
  }
}
