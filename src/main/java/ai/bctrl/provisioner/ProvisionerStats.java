package ai.bctrl.provisioner;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a {@link Provisioner}'s counters since it was built, for progress bars and
 * summaries: immutable, taken without stopping the work, so counters read together may be a few
 * events apart. Each call of {@link Provisioner#stats()} makes a new one.
 *
 * @param inFlight create calls in flight now
 * @param maxInFlight the most create calls ever in flight at once
 * @param attemptsStarted create calls started
 * @param retries attempts repeated, by cause (every cause present, 0 when none), in the enum's order
 * @param settles listings made to settle an uncertain attempt (shared listings count once per item)
 * @param listings listing calls made (pages), first listings and settling ones
 * @param results items ended, by outcome (every outcome present), in the enum's order
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

  /**
   * Made by the provisioner for {@link Provisioner#stats()} (public only because a record's
   * constructor is). Copies both maps into unmodifiable ones that iterate in their enum's declaration
   * order, so that printing or charting them is stable from one snapshot to the next.
   *
   * @param inFlight see {@link #inFlight()}
   * @param maxInFlight see {@link #maxInFlight()}
   * @param attemptsStarted see {@link #attemptsStarted()}
   * @param retries see {@link #retries()}; not {@code null}
   * @param settles see {@link #settles()}
   * @param listings see {@link #listings()}
   * @param results see {@link #results()}; not {@code null}
   * @param latency see {@link #latency()}
   * @throws NullPointerException when a map, or a key or value in it, is {@code null}
   */
  public ProvisionerStats {
    retries = inEnumOrder(retries, RetryCause.class);
    results = inEnumOrder(results, Outcome.class);
  }

  private static <K extends Enum<K>> Map<K, Long> inEnumOrder(Map<K, Long> m, Class<K> type) {
    EnumMap<K, Long> out = new EnumMap<>(type);
    m.forEach((k, v) -> out.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Items ended so far, all outcomes.
   *
   * @return the sum of {@link #results()}
   */
  public long ended() {
    return results.values().stream().mapToLong(Long::longValue).sum();
  }
}
