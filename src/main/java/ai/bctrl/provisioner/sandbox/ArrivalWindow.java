package ai.bctrl.provisioner.sandbox;

/**
 * The most arrivals seen in any window of {@code width} nanoseconds, over arrival times given in
 * order: a sliding window, exact, so two arrivals count together when they are less than {@code
 * width} apart. It keeps only the arrivals of the last {@code width} in a ring, so its memory is
 * bounded by the largest count itself, not by the number of arrivals. Not thread-safe: the caller
 * holds a lock.
 */
final class ArrivalWindow {
  private final long width;
  private long[] ring = new long[16];
  private int head;
  private int size;
  private int max;

  ArrivalWindow(long widthNanos) {
    this.width = widthNanos;
  }

  /** One arrival at {@code t} (nanoseconds, never before the previous arrival). */
  void arrived(long t) {
    int mask = ring.length - 1;
    while (size > 0 && t - ring[head] >= width) {
      head = (head + 1) & mask;
      size--;
    }
    if (size == ring.length) {
      long[] bigger = new long[ring.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = ring[(head + i) & mask];
      }
      ring = bigger;
      head = 0;
      mask = ring.length - 1;
    }
    ring[(head + size) & mask] = t;
    size++;
    max = Math.max(max, size);
  }

  /** The most arrivals in one window so far (0 before the first). */
  int max() {
    return max;
  }
}
