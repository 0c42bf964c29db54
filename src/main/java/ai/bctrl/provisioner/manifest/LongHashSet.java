package ai.bctrl.provisioner.manifest;

/**
 * A set of {@code long}s in one open-addressing array: 8 bytes a slot, at most half full, so the
 * keys of a million rows take 16-32 MB rather than the ~60 MB a {@code HashSet<Long>} would.
 */
final class LongHashSet {
  private static final long EMPTY = 0L;
  private long[] slots = new long[1024];
  private int size;
  private boolean hasZero;

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
}
