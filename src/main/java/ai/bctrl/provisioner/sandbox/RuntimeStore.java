package ai.bctrl.provisioner.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * The runtimes the sandbox has created, per space in creation order. Listing pages are cut by a
 * sequence number, so a cursor stays valid while runtimes are added or deleted. Thread-safe: the
 * maps are concurrent and the active count is reserved with compare-and-set, so {@code
 * --max-active} holds under any concurrency.
 */
final class RuntimeStore {

  /** One runtime as stored; {@code metadata} is never mutated after creation. */
  record StoredRuntime(
      long seq,
      String id,
      String spaceId,
      String name,
      String profile,
      JsonNode metadata,
      RuntimeStatus status,
      String createdAt,
      String updatedAt,
      String activeRunId) {

    String provisionerKey() {
      JsonNode k = metadata == null ? null : metadata.get("provisionerKey");
      return k != null && k.isString() ? k.stringValue() : null;
    }

    StoredRuntime withStatus(RuntimeStatus newStatus, String at) {
      return new StoredRuntime(seq, id, spaceId, name, profile, metadata, newStatus, createdAt, at, null);
    }
  }

  record Page(List<StoredRuntime> runtimes, Long nextAfter) {}

  private final ConcurrentHashMap<String, ConcurrentSkipListMap<Long, StoredRuntime>> spaces =
      new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger total = new AtomicInteger();

  /** Takes one active slot unless {@code max} (null = no quota) slots are taken. */
  boolean tryReserveActive(Integer max) {
    while (true) {
      int now = active.get();
      if (max != null && now >= max) {
        return false;
      }
      if (active.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void releaseActive() {
    active.decrementAndGet();
  }

  long nextSeq() {
    return seq.incrementAndGet();
  }

  /** Stores {@code r}; an active one must have reserved its slot with {@link #tryReserveActive}. */
  void add(StoredRuntime r) {
    spaces.computeIfAbsent(r.spaceId(), s -> new ConcurrentSkipListMap<>()).put(r.seq(), r);
    total.incrementAndGet();
  }

  /** Up to {@code limit} runtimes of {@code spaceId} after sequence {@code after} (0 = from the start). */
  Page page(String spaceId, long after, int limit) {
    ConcurrentSkipListMap<Long, StoredRuntime> space = spaces.get(spaceId);
    if (space == null) {
      return new Page(List.of(), null);
    }
    List<StoredRuntime> out = new ArrayList<>(Math.min(limit, 64));
    for (StoredRuntime r : space.tailMap(after, false).values()) {
      if (out.size() == limit) {
        return new Page(out, out.get(out.size() - 1).seq());
      }
      out.add(r);
    }
    return new Page(out, null);
  }

  boolean delete(String spaceId, String runtimeId) {
    ConcurrentSkipListMap<Long, StoredRuntime> space = spaces.get(spaceId);
    if (space == null) {
      return false;
    }
    for (Map.Entry<Long, StoredRuntime> e : space.entrySet()) {
      if (e.getValue().id().equals(runtimeId) && space.remove(e.getKey(), e.getValue())) {
        total.decrementAndGet();
        if (e.getValue().status() == RuntimeStatus.ACTIVE) {
          releaseActive();
        }
        return true;
      }
    }
    return false;
  }

  /** Marks every active runtime {@code stopped} (freeing the quota). */
  void stopAll(String at) {
    for (ConcurrentSkipListMap<Long, StoredRuntime> space : spaces.values()) {
      for (Map.Entry<Long, StoredRuntime> e : space.entrySet()) {
        StoredRuntime r = e.getValue();
        if (r.status() == RuntimeStatus.ACTIVE && space.replace(e.getKey(), r, r.withStatus(RuntimeStatus.STOPPED, at))) {
          releaseActive();
        }
      }
    }
  }

  int total() {
    return total.get();
  }

  int active() {
    return active.get();
  }
}
