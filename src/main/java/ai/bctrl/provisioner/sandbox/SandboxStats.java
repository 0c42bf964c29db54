package ai.bctrl.provisioner.sandbox;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A snapshot of what a {@link SandboxServer} received and did since it started; {@code GET
 * /__sandbox/stats} serves the same as JSON (fault kinds by their wire names). Maps iterate in a
 * stable order: sorted by key, fault kinds in {@link FaultKind} order.
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
 * @param stopRequests stop requests received, answered or not, authorised or not
 * @param deleteRequests delete requests received, answered or not, authorised or not
 * @param stopsByRuntime per runtime id, the stops that changed it from {@code active} to {@code
 *     stopped}: at most 1, since a runtime is changed by one call only; a runtime never stopped is
 *     not listed. A stop counts even when its answer was lost ({@code reset-after}, {@code
 *     truncate}, a client gone during a {@code hold})
 * @param deletesByRuntime per runtime id, the deletes that removed it: at most 1 by the same rule,
 *     so "every runtime deleted exactly once" is that every id is listed (a second delete of the
 *     same runtime answers 404 and changes nothing)
 * @param stopFaults per kind, how many stops it hit ({@code failed} never does)
 * @param deleteFaults per kind, how many deletes it hit ({@code failed} never does)
 * @param maxStartsInOneSecond the most create requests that arrived within one second of each
 *     other: a sliding window over the arrival times of {@code createStartNanos} (every create
 *     request, refused or not, not only the first million), exact, two arrivals counting together
 *     when they are less than one second apart
 * @param firstCreateEpochMillis when the first create request arrived, epoch milliseconds on the
 *     config's clock; {@code null} before any
 * @param lastCreateEpochMillis when the last create request arrived, likewise
 * @param listStartNanos start time of each listing request in arrival order, on the same clock as
 *     {@code createStartNanos} (the first {@value StatsRecorder#MAX_START_TIMES} only): with it, a
 *     benchmark measures from a run's first request, which is its first listing
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
    long idempotentReplays,
    long stopRequests,
    long deleteRequests,
    Map<String, Integer> stopsByRuntime,
    Map<String, Integer> deletesByRuntime,
    Map<FaultKind, Long> stopFaults,
    Map<FaultKind, Long> deleteFaults,
    int maxStartsInOneSecond,
    Long firstCreateEpochMillis,
    Long lastCreateEpochMillis,
    List<Long> listStartNanos) {

  /**
   * Made by the server for {@link SandboxServer#stats()} (public only because a record's constructor
   * is). Copies every map and list: the {@code String} and {@code Integer} keyed maps into
   * unmodifiable maps sorted by key, the fault maps into unmodifiable maps in {@link FaultKind}
   * order, the start times into unmodifiable lists. Every map and list must be non-null.
   *
   * @param createsByKey see {@link #createsByKey()}
   * @param requestsByStatus see {@link #requestsByStatus()}
   * @param faults see {@link #faults()}
   * @param maxInFlight see {@link #maxInFlight()}
   * @param createRequests see {@link #createRequests()}
   * @param listRequests see {@link #listRequests()}
   * @param createStartNanos see {@link #createStartNanos()}
   * @param activeRuntimes see {@link #activeRuntimes()}
   * @param inFlight see {@link #inFlight()}
   * @param runtimes see {@link #runtimes()}
   * @param idempotentReplays see {@link #idempotentReplays()}
   * @param stopRequests see {@link #stopRequests()}
   * @param deleteRequests see {@link #deleteRequests()}
   * @param stopsByRuntime see {@link #stopsByRuntime()}
   * @param deletesByRuntime see {@link #deletesByRuntime()}
   * @param stopFaults see {@link #stopFaults()}
   * @param deleteFaults see {@link #deleteFaults()}
   * @param maxStartsInOneSecond see {@link #maxStartsInOneSecond()}
   * @param firstCreateEpochMillis see {@link #firstCreateEpochMillis()}
   * @param lastCreateEpochMillis see {@link #lastCreateEpochMillis()}
   * @param listStartNanos see {@link #listStartNanos()}
   * @throws NullPointerException when a map or a list is {@code null}
   */
  public SandboxStats {
    createsByKey = sorted(createsByKey);
    requestsByStatus = sorted(requestsByStatus);
    faults = byKind(faults);
    createStartNanos = List.copyOf(createStartNanos);
    listStartNanos = List.copyOf(listStartNanos);
    stopsByRuntime = sorted(stopsByRuntime);
    deletesByRuntime = sorted(deletesByRuntime);
    stopFaults = byKind(stopFaults);
    deleteFaults = byKind(deleteFaults);
  }

  private static <K, V> SortedMap<K, V> sorted(Map<K, V> m) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(m));
  }

  private static Map<FaultKind, Long> byKind(Map<FaultKind, Long> m) {
    EnumMap<FaultKind, Long> out = new EnumMap<>(FaultKind.class);
    out.putAll(m);
    return Collections.unmodifiableMap(out);
  }

  /**
   * The check of "never create twice": how many keys had more than one runtime created.
   *
   * @return 0 when every key was created at most once
   */
  public int duplicates() {
    return (int) createsByKey.values().stream().filter(n -> n > 1).count();
  }

  /**
   * Requests on {@code /v1/...} answered with one status.
   *
   * @param status an HTTP status, or 0 for connections dropped on purpose without an answer
   * @return how many; 0 when none
   */
  public long requests(int status) {
    return requestsByStatus.getOrDefault(status, 0L);
  }

  /**
   * Creates hit by one fault kind.
   *
   * @param kind the kind
   * @return how many creates it hit; 0 when none
   */
  public long faults(FaultKind kind) {
    return faults.getOrDefault(kind, 0L);
  }

  /**
   * Runtimes stopped by a stop call: stops that changed a runtime from {@code active} to {@code
   * stopped} (a stop of a runtime already stopped is not counted, nor are runtimes stopped by
   * {@link SandboxServer#stopAll()}).
   *
   * @return the sum of {@link #stopsByRuntime()}
   */
  public long stops() {
    return stopsByRuntime.values().stream().mapToLong(Integer::longValue).sum();
  }

  /**
   * Runtimes deleted by a delete call (not those removed by {@link SandboxServer#deleteRuntime}).
   *
   * @return the sum of {@link #deletesByRuntime()}
   */
  public long deletes() {
    return deletesByRuntime.values().stream().mapToLong(Integer::longValue).sum();
  }
}
