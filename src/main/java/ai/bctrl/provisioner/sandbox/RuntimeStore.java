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
 * The runtimes the sandbox has created, per space in creation order, and found by id. Listing pages
 * are cut by a sequence number, so a cursor stays valid while runtimes are added or deleted.
 * Thread-safe: the maps are concurrent, the active count is reserved with compare-and-set, so {@code
 * --max-active} holds under any concurrency, and every change of a runtime (stop, delete) is a
 * compare-and-set of that runtime, so of two calls racing to stop or delete one runtime exactly one
 * changes it.
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

  /**
   * What a stop or delete found and did: the runtime's status before the call ({@code null} when
   * there is no such runtime) and whether this call changed it.
   */
  record Change(RuntimeStatus before, boolean done) {
    static final Change NOT_FOUND = new Change(null, false);
  }

  /** Where a runtime is stored. */
  private record Where(String spaceId, long seq) {}

  private final ConcurrentHashMap<String, ConcurrentSkipListMap<Long, StoredRuntime>> spaces =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Where> ids = new ConcurrentHashMap<>();
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
    ids.put(r.id(), new Where(r.spaceId(), r.seq()));
    total.incrementAndGet();
  }

  /** Stops runtime {@code id} if it is active, freeing its quota slot. */
  Change stop(String id, String at) {
    Where w = ids.get(id);
    if (w == null) {
      return Change.NOT_FOUND;
    }
    ConcurrentSkipListMap<Long, StoredRuntime> space = spaces.get(w.spaceId());
    while (true) {
      StoredRuntime r = space.get(w.seq());
      if (r == null) {
        return Change.NOT_FOUND;
      }
      if (r.status() != RuntimeStatus.ACTIVE) {
        return new Change(r.status(), false);
      }
      if (space.replace(w.seq(), r, r.withStatus(RuntimeStatus.STOPPED, at))) {
        releaseActive();
        return new Change(RuntimeStatus.ACTIVE, true);
      }
    }
  }

  /** Deletes runtime {@code id} if it is not active (stopped or failed). */
  Change delete(String id) {
    Where w = ids.get(id);
    if (w == null) {
      return Change.NOT_FOUND;
    }
    ConcurrentSkipListMap<Long, StoredRuntime> space = spaces.get(w.spaceId());
    while (true) {
      StoredRuntime r = space.get(w.seq());
      if (r == null) {
        return Change.NOT_FOUND;
      }
      if (r.status() == RuntimeStatus.ACTIVE) {
        return new Change(RuntimeStatus.ACTIVE, false);
      }
      if (space.remove(w.seq(), r)) {
        ids.remove(id, w);
        total.decrementAndGet();
        return new Change(r.status(), true);
      }
    }
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

  /** Removes runtime {@code runtimeId} of {@code spaceId} whatever its status (freeing its slot if active); for tests. */
  boolean remove(String spaceId, String runtimeId) {
    Where w = ids.get(runtimeId);
    if (w == null || !w.spaceId().equals(spaceId)) {
      return false;
    }
    ConcurrentSkipListMap<Long, StoredRuntime> space = spaces.get(w.spaceId());
    while (true) {
      StoredRuntime r = space.get(w.seq());
      if (r == null) {
        return false;
      }
      if (space.remove(w.seq(), r)) {
        ids.remove(runtimeId, w);
        total.decrementAndGet();
        if (r.status() == RuntimeStatus.ACTIVE) {
          releaseActive();
        }
        return true;
      }
    }
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
