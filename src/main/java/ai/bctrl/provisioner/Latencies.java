package ai.bctrl.provisioner;

import java.util.Arrays;

/**
 * An immutable histogram of per-item latencies in milliseconds (first attempt start to end),
 * exact below 1,024 ms and within about 1.6% above; its size is fixed (about 4,500 buckets,
 * whatever the count), up to the largest {@code long}. {@link ProvisionerStats#latency()} gives the
 * provisioner's; a {@link Recorder} makes one of your own, for example from a {@link
 * ProvisionerListener} per space.
 */
public final class Latencies {
  static final int SUB = 64;
  static final int BUCKETS = 1024 + 54 * SUB;

  private final long[] counts;
  private final long count;
  private final long maxMs;

  /**
   * A new, empty recorder.
   *
   * @return a thread-safe recorder whose {@link Recorder#snapshot()} is a {@code Latencies}
   */
  public static Recorder recorder() {
    return new Recorder();
  }

  /**
   * Collects latencies into a histogram. Thread-safe: each method takes a short lock, so it may be
   * called from event-loop threads.
   */
  public static final class Recorder {
    private final long[] counts = new long[BUCKETS];
    private long max;

    private Recorder() {}

    /**
     * Records one latency.
     *
     * @param ms the latency in milliseconds; a negative one counts as 0
     */
    public synchronized void record(long ms) {
      counts[bucket(ms)]++;
      max = Math.max(max, ms);
    }

    /**
     * What was recorded so far; later records do not change it.
     *
     * @return an immutable copy
     */
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

  /**
   * How many latencies were recorded.
   *
   * @return the count, 0 when none
   */
  public long count() {
    return count;
  }

  /**
   * The largest recorded latency, exact.
   *
   * @return milliseconds, 0 when none was recorded
   */
  public long maxMs() {
    return maxMs;
  }

  /**
   * The latency below or at which a share {@code q} (0..1) of items ended, 0 when none was
   * recorded; never above {@link #maxMs()}. Exact below 1,024 ms; above, the top of the value's
   * bucket (at most about 1.6% high).
   *
   * @param q the share, e.g. {@code 0.5} for the median or {@code 0.99}
   * @return milliseconds
   * @throws IllegalArgumentException when {@code q} is not within 0..1
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
