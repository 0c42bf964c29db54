package ai.bctrl.provisioner;

import java.util.Map;

/**
 * A snapshot of a {@link Provisioner}'s counters since it was built, for progress bars and
 * summaries.
 *
 * @param inFlight create calls in flight now
 * @param maxInFlight the most create calls ever in flight at once
 * @param attemptsStarted create calls started
 * @param retries attempts repeated, by cause (every cause present, 0 when none)
 * @param settles listings made to settle an uncertain attempt (shared listings count once per item)
 * @param listings listing calls made (pages), first listings and settling ones
 * @param results items ended, by outcome (every outcome present)
 * @param latency per-item latency, first attempt start to end, over items that made an attempt
 */
public record ProvisionerStats(
    int inFlight,
    int maxInFlight,
    long attemptsStarted,
    Map<RetryCause, Long> retries,
    long settles,
    long listings,
    Map<Outcome, Long> results,
    Latencies latency) {

  public ProvisionerStats {
    retries = Map.copyOf(retries);
    results = Map.copyOf(results);
  }

  /** Items ended so far, all outcomes. */
  public long ended() {
    return results.values().stream().mapToLong(Long::longValue).sum();
  }
}
