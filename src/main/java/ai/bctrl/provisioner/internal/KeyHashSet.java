package ai.bctrl.provisioner.internal;

/**
 * The keys seen so far, kept as 64-bit hashes (as the contract allows) in one open-addressing
 * array of {@code long}s: 8 bytes a slot, at most half full, so the keys of a million rows take
 * 16-32 MB rather than the ~60 MB a {@code HashSet<Long>} would, or the ~100 MB of the keys
 * themselves. Not thread-safe.
 */
public final class KeyHashSet {
  private static final long EMPTY = 0L;
  private long[] slots = new long[1024];
  private int size;
  private boolean hasZero;

  /** Adds {@code key}; {@code false} when it (or a key with the same 64-bit hash) was already there. */
  public boolean add(String key) {
    return add(hash(key));
  }

  /** Whether {@code key} (or a key with the same 64-bit hash) was added. */
  public boolean contains(String key) {
    return contains(hash(key));
  }

  /** Adds {@code v}; {@code false} when it was already there. */
  boolean add(long v) {
    if (v == EMPTY) {
      if (hasZero) {
        return false;
      }
      hasZero = true;
      return true;
    }
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    if (!insert(slots, v)) {
      return false;
    }
    size++;
    return true;
  }

  boolean contains(long v) {
    if (v == EMPTY) {
      return hasZero;
    }
    int mask = slots.length - 1;
    int i = (int) (v ^ (v >>> 32)) & mask;
    while (slots[i] != EMPTY) {
      if (slots[i] == v) {
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  int size() {
    return size + (hasZero ? 1 : 0);
  }

  private static boolean insert(long[] table, long v) {
    int mask = table.length - 1;
    int i = (int) (v ^ (v >>> 32)) & mask;
    while (table[i] != EMPTY) {
      if (table[i] == v) {
        return false;
      }
      i = (i + 1) & mask;
    }
    table[i] = v;
    return true;
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long v : slots) {
      if (v != EMPTY) {
        insert(bigger, v);
      }
    }
    slots = bigger;
  }

  /** A well-mixed 64-bit hash of {@code key}: FNV-1a, then MurmurHash3's finaliser. */
  static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
