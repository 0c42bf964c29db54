package ai.bctrl.provisioner.sandbox;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of what a {@link SandboxServer} received and did since it started; {@code GET
 * /__sandbox/stats} serves the same as JSON (fault kinds by their wire names).
 *
 * @param createsByKey per {@code metadata.provisionerKey}, how many runtimes were created with it
 *     (runtimes created without a key are not listed)
 * @param requestsByStatus per HTTP status answered on {@code /v1/...}, how many requests; {@code 0}
 *     counts connections dropped on purpose without an answer ({@code reset-before}, {@code
 *     reset-after})
 * @param faults per kind, how many creates it hit (every kind present, 0 when none)
 * @param maxInFlight the most create requests ever being handled at once
 * @param createRequests create requests received, answered or not, authorised or not
 * @param listRequests listing requests received
 * @param createStartNanos start time of each create request in arrival order, from the config's
 *     monotonic {@code nanoTime} source (the first {@value StatsRecorder#MAX_START_TIMES} only)
 * @param activeRuntimes runtimes whose status is {@code active} (what {@code --max-active} counts)
 * @param inFlight create requests being handled now
 * @param runtimes runtimes that exist (created and not deleted), whatever their status
 * @param idempotentReplays answers replayed for a repeated {@code Idempotency-Key}
 */
public record SandboxStats(
    Map<String, Integer> createsByKey,
    Map<Integer, Long> requestsByStatus,
    Map<FaultKind, Long> faults,
    int maxInFlight,
    long createRequests,
    long listRequests,
    List<Long> createStartNanos,
    int activeRuntimes,
    int inFlight,
    int runtimes,
    long idempotentReplays) {

  public SandboxStats {
    createsByKey = Map.copyOf(createsByKey);
    requestsByStatus = Map.copyOf(requestsByStatus);
    faults = Map.copyOf(faults);
    createStartNanos = List.copyOf(createStartNanos);
  }

  /** How many keys had more than one runtime created: 0 when every item was created at most once. */
  public int duplicates() {
    return (int) createsByKey.values().stream().filter(n -> n > 1).count();
  }

  /** Requests answered with {@code status} (0 = dropped without an answer). */
  public long requests(int status) {
    return requestsByStatus.getOrDefault(status, 0L);
  }

  /** Creates hit by fault {@code kind}. */
  public long faults(FaultKind kind) {
    return faults.getOrDefault(kind, 0L);
  }
}
