package ai.bctrl.provisioner;

import java.util.Arrays;

/**
 * An immutable histogram of per-item latencies in milliseconds (first attempt start to end),
 * exact below 1,024 ms and within about 1.6% above.
 */
public final class Latencies {
  static final int SUB = 64;
  static final int BUCKETS = 1024 + 54 * SUB;

  private final long[] counts;
  private final long count;
  private final long maxMs;

  /** A thread-safe recorder whose {@link Recorder#snapshot()} is a {@code Latencies}. */
  public static Recorder recorder() {
    return new Recorder();
  }

  /** Collects latencies; thread-safe. */
  public static final class Recorder {
    private final long[] counts = new long[BUCKETS];
    private long max;

    private Recorder() {}

    /** Records one latency in milliseconds (negative counts as 0). */
    public synchronized void record(long ms) {
      counts[bucket(ms)]++;
      max = Math.max(max, ms);
    }

    /** An immutable copy of what was recorded so far. */
    public synchronized Latencies snapshot() {
      return new Latencies(counts, max);
    }
  }

  private Latencies(long[] counts, long maxMs) {
    this.counts = counts.clone();
    this.count = Arrays.stream(counts).sum();
    this.maxMs = maxMs;
  }

  /** The bucket of {@code ms}. */
  static int bucket(long ms) {
    if (ms < 1024) {
      return (int) Math.max(0, ms);
    }
    int exp = 63 - Long.numberOfLeadingZeros(ms); // >= 10
    int sub = (int) ((ms >>> (exp - 6)) & (SUB - 1));
    return Math.min(BUCKETS - 1, 1024 + (exp - 10) * SUB + sub);
  }

  /** The highest value in bucket {@code b}. */
  static long upper(int b) {
    if (b < 1024) {
      return b;
    }
    int exp = (b - 1024) / SUB + 10;
    int sub = (b - 1024) % SUB;
    long lower = (1L << exp) + ((long) sub << (exp - 6));
    return lower + (1L << (exp - 6)) - 1;
  }

  /** How many latencies were recorded. */
  public long count() {
    return count;
  }

  /** The largest recorded latency, 0 when none. */
  public long maxMs() {
    return maxMs;
  }

  /**
   * The latency below or at which a share {@code q} (0..1) of items ended, 0 when none was
   * recorded; never above {@link #maxMs()}.
   */
  public long percentileMs(double q) {
    if (q < 0 || q > 1) {
      throw new IllegalArgumentException("q must be within 0..1 but was " + q);
    }
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    long seen = 0;
    for (int b = 0; b < counts.length; b++) {
      seen += counts[b];
      if (seen >= rank) {
        return Math.min(upper(b), maxMs);
      }
    }
    return maxMs;
  }

  @Override
  public String toString() {
    return "Latencies[count=" + count + ", p50=" + percentileMs(0.5) + "ms, p99=" + percentileMs(0.99)
        + "ms, max=" + maxMs + "ms]";
  }
}
