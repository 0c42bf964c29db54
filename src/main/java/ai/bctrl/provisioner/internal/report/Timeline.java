package ai.bctrl.provisioner.internal.report;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * A run's per-second timeline in constant memory: a fixed number of time buckets, each holding
 * counters (summed), peaks (the most seen) and levels (the last value set). Buckets are one second
 * wide until the run outlasts them all; then neighbours are merged two by two and the width
 * doubles (2 s, 4 s, ...), so a run of any length and any number of calls holds at most {@code
 * capacity} buckets. Thread-safe: every method takes the one lock for a few array writes, never
 * I/O, so it may be called from event-loop threads.
 *
 * <p>It knows nothing of what it counts: series are indices, named by whoever records (a run's
 * create calls, or a teardown's stop and delete calls).
 */
public final class Timeline {
  /** Buckets kept by default: one second each for the first half hour. */
  public static final int DEFAULT_CAPACITY = 1800;

  private static final long SECOND = 1_000_000_000L;

  private final int capacity;
  private final int sums;
  private final int peaks;
  private final int levels;
  private final LongSupplier nanoTime;
  private final long start;
  private final long[] sum;
  private final long[] peak;
  private final double[] level;
  private long width = SECOND;
  private int used;

  /**
   * @param sums how many summed counters each bucket holds
   * @param peaks how many peaks (maxima) each bucket holds
   * @param levels how many levels (last value wins) each bucket holds
   * @param capacity most buckets ever held (even, at least 2)
   * @param nanoTime the clock, in nanoseconds; the timeline starts at its value now
   */
  public Timeline(int sums, int peaks, int levels, int capacity, LongSupplier nanoTime) {
    if (capacity < 2 || capacity % 2 != 0) {
      throw new IllegalArgumentException("capacity must be even and >= 2 but was " + capacity);
    }
    if (sums < 0 || peaks < 0 || levels < 0) {
      throw new IllegalArgumentException("series counts must be >= 0");
    }
    this.capacity = capacity;
    this.sums = sums;
    this.peaks = peaks;
    this.levels = levels;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
    this.sum = new long[sums * capacity];
    this.peak = new long[peaks * capacity];
    this.level = new double[levels * capacity];
    Arrays.fill(level, Double.NaN);
  }

  /** Adds {@code n} to counter {@code series} in the current bucket. */
  public synchronized void add(int series, long n) {
    check(series, sums);
    sum[series * capacity + bucketNow()] += n;
  }

  /** Raises peak {@code series} of the current bucket to {@code value} if it is higher. */
  public synchronized void peak(int series, long value) {
    check(series, peaks);
    int i = series * capacity + bucketNow();
    peak[i] = Math.max(peak[i], value);
  }

  /** Sets level {@code series} of the current bucket to {@code value} (the last one set wins). */
  public synchronized void level(int series, double value) {
    check(series, levels);
    level[series * capacity + bucketNow()] = value;
  }

  /** Seconds since the timeline started, as of now. */
  public double secondsNow() {
    return Math.max(0, nanoTime.getAsLong() - start) / (double) SECOND;
  }

  /** A copy of the buckets used so far (at least one). */
  public synchronized Snapshot snapshot() {
    int n = Math.max(1, Math.max(used, bucketNow() + 1));
    long[][] s = new long[sums][];
    for (int k = 0; k < sums; k++) {
      s[k] = Arrays.copyOfRange(sum, k * capacity, k * capacity + n);
    }
    long[][] p = new long[peaks][];
    for (int k = 0; k < peaks; k++) {
      p[k] = Arrays.copyOfRange(peak, k * capacity, k * capacity + n);
    }
    double[][] l = new double[levels][];
    for (int k = 0; k < levels; k++) {
      l[k] = Arrays.copyOfRange(level, k * capacity, k * capacity + n);
    }
    return new Snapshot(width / (double) SECOND, n, s, p, l);
  }

  /** The bucket for now; merges buckets two by two while now lies beyond the last one. */
  private int bucketNow() {
    long elapsed = Math.max(0, nanoTime.getAsLong() - start);
    while (elapsed / width >= capacity) {
      coarsen();
    }
    int b = (int) (elapsed / width);
    used = Math.max(used, b + 1);
    return b;
  }

  private void coarsen() {
    int half = capacity / 2;
    for (int k = 0; k < sums; k++) {
      int o = k * capacity;
      for (int i = 0; i < half; i++) {
        sum[o + i] = sum[o + 2 * i] + sum[o + 2 * i + 1];
      }
      Arrays.fill(sum, o + half, o + capacity, 0);
    }
    for (int k = 0; k < peaks; k++) {
      int o = k * capacity;
      for (int i = 0; i < half; i++) {
        peak[o + i] = Math.max(peak[o + 2 * i], peak[o + 2 * i + 1]);
      }
      Arrays.fill(peak, o + half, o + capacity, 0);
    }
    for (int k = 0; k < levels; k++) {
      int o = k * capacity;
      for (int i = 0; i < half; i++) {
        double later = level[o + 2 * i + 1];
        level[o + i] = Double.isNaN(later) ? level[o + 2 * i] : later;
      }
      Arrays.fill(level, o + half, o + capacity, Double.NaN);
    }
    width *= 2;
    used = (used + 1) / 2;
  }

  private static void check(int series, int count) {
    if (series < 0 || series >= count) {
      throw new IndexOutOfBoundsException("series " + series + " of " + count);
    }
  }

  /**
   * The buckets at one moment.
   *
   * @param bucketSeconds the width of every bucket, in seconds (1, 2, 4, ...)
   * @param buckets how many buckets there are, the first starting when the timeline did
   * @param sums per counter, its value in each bucket
   * @param peaks per peak, its value in each bucket (0 when nothing was seen)
   * @param levels per level, its value in each bucket ({@code NaN} when none was set there)
   */
  public record Snapshot(double bucketSeconds, int buckets, long[][] sums, long[][] peaks, double[][] levels) {

    /** Counter {@code series} summed over every bucket. */
    public long total(int series) {
      return Arrays.stream(sums[series]).sum();
    }

    /** Counter {@code series} as a rate per second in each bucket. */
    public double[] perSecond(int series) {
      double[] out = new double[buckets];
      for (int i = 0; i < buckets; i++) {
        out[i] = sums[series][i] / bucketSeconds;
      }
      return out;
    }

    /** Level {@code series} with each bucket that set none carrying the value before it ({@code NaN} until the first). */
    public double[] carried(int series) {
      double[] out = new double[buckets];
      double last = Double.NaN;
      for (int i = 0; i < buckets; i++) {
        if (!Double.isNaN(levels[series][i])) {
          last = levels[series][i];
        }
        out[i] = last;
      }
      return out;
    }
  }
}
