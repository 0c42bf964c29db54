package ai.bctrl.provisioner.internal.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Shard {@code index} of {@code count}: the items whose key hashes to it (the first 8 bytes of
 * SHA-256 of the UTF-8 key, unsigned, modulo {@code count}). The shards of one manifest are
 * disjoint and together hold every item, whatever the machine or JVM.
 */
record Shard(int index, int count) {

  Shard {
    if (count < 1) {
      throw new IllegalArgumentException("shard count must be >= 1 but was " + count);
    }
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "shard index must be 0.." + (count - 1) + " (0-based) but was " + index);
    }
  }

  /**
   * Parses {@code I/N}.
   *
   * @throws IllegalArgumentException with a one-line message
   */
  static Shard parse(String text) {
    String t = text == null ? "" : text.trim();
    int slash = t.indexOf('/');
    try {
      if (slash > 0) {
        return new Shard(Integer.parseInt(t.substring(0, slash)), Integer.parseInt(t.substring(slash + 1)));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "invalid shard \"" + text + "\": use I/N with 0 <= I < N, e.g. 0/4 for the first of four");
  }

  /** Whether the item with {@code key} belongs to this shard. */
  boolean contains(String key) {
    return count == 1 || of(key, count) == index;
  }

  /** The shard of {@code key} among {@code count}. */
  static int of(String key, int count) {
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xff);
    }
    return (int) Long.remainderUnsigned(v, count);
  }

  /** The ledger name part: {@code shard-I-of-N}. */
  String label() {
    return "shard-" + index + "-of-" + count;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
