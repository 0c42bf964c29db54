package ai.bctrl.provisioner.sandbox;

import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * With {@code --idempotency}: the first request of each {@code Idempotency-Key} (scoped to its
 * space) and, once it has created a runtime, its answer. A key whose request created nothing is
 * freed. Thread-safe.
 */
final class Idempotency {

  /** A claimed key: the first body, and the answer once a runtime exists. */
  static final class Entry {
    final String key;
    final JsonNode body;
    /** Set when the request created a runtime; an entry whose request created nothing is removed. */
    volatile Answer answer;

    Entry(String space, String header, JsonNode body) {
      this.key = space + "\n" + header;
      this.body = body;
    }
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** Claims {@code fresh}'s key; returns the entry that already holds it, or {@code null} when {@code fresh} got it. */
  Entry claim(Entry fresh) {
    return entries.putIfAbsent(fresh.key, fresh);
  }

  /** Frees {@code e}'s key (its request created nothing); {@code null} is ignored. */
  void release(Entry e) {
    if (e != null) {
      entries.remove(e.key, e);
    }
  }
}
