package ai.bctrl.provisioner.internal.report;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * A latency histogram for the eye: fixed bins on a log scale, ten per decade (1, 1.25, 1.6, 2, 2.5,
 * 3.2, 4, 5, 6.3, 8 times a power of ten, in whole milliseconds), from under 1 ms to 10^{@value
 * #DECADES} ms and beyond, so its size never depends on the run. Bin 0 holds latencies under 1 ms;
 * bin {@code k >= 1} holds {@code [lower(k), lower(k + 1))}; the last bin holds all the rest.
 * Thread-safe. (Percentiles come from {@link ai.bctrl.provisioner.Latencies}, exact below a second.)
 */
final class LatencyBins {
  static final int DECADES = 7; // up to 10^7 ms, about 2.8 hours
  private static final double[] STEPS = {1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8};
  private static final long[] LOWER = lowerEdges();
  static final int BINS = LOWER.length;

  private final long[] counts = new long[BINS];

  private static long[] lowerEdges() {
    TreeSet<Long> edges = new TreeSet<>();
    edges.add(0L);
    for (int d = 0; d < DECADES; d++) {
      for (double s : STEPS) {
        edges.add(Math.round(s * Math.pow(10, d)));
      }
    }
    edges.add(Math.round(Math.pow(10, DECADES)));
    return edges.stream().mapToLong(Long::longValue).toArray();
  }

  /** The bin of {@code ms} (negative counts as 0). */
  static int bin(long ms) {
    int i = Arrays.binarySearch(LOWER, Math.max(0, ms));
    return i >= 0 ? i : -i - 2;
  }

  /** The lowest latency in bin {@code k}, in ms. */
  static long lower(int k) {
    return LOWER[k];
  }

  /** The lowest latency above bin {@code k}, in ms, or -1 for the last bin (open-ended). */
  static long upper(int k) {
    return k + 1 < BINS ? LOWER[k + 1] : -1;
  }

  synchronized void record(long ms) {
    counts[bin(ms)]++;
  }

  synchronized long[] snapshot() {
    return counts.clone();
  }
}
