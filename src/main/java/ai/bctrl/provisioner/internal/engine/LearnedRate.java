package ai.bctrl.provisioner.internal.engine;

/**
 * One space's learned rate ({@code --rate auto}): a curve of the rate over time, started again
 * from a new point after every 429. Pure arithmetic on the scheduler's clock; not thread-safe (its
 * {@link SpaceStarts} holds the lock).
 *
 * <p>It starts modestly ({@code startRate}) and doubles every {@code slowStartDoubling} until the
 * first 429 (slow start). After that, each cycle runs from the end of the 429's pause in three
 * phases around the <em>working rate</em> W, the best estimate of a rate that works:
 *
 * <ol>
 *   <li><b>hold</b>: W, flat. 5 s after a cut; doubled (up to 30 s) each time the limit is found
 *       where it was, so a steady limit is probed ever more rarely;
 *   <li><b>creep</b>: for 10 s, up towards just below the rate that drew the last 429 (99% of it),
 *       and at least 0.3% of W a second: back to the last rate that worked, not from zero, and
 *       gently enough that the server's burst runs out only a little above its limit;
 *   <li><b>probe</b>: faster and faster (x1.2 a second, the growth itself growing by 0.1 a
 *       second), so a limit that rose is found within seconds however far it went.
 * </ol>
 *
 * A 429 ends the cycle. The server's burst hides its limit until the climb has used the burst up,
 * so the 429 comes above the limit: for a burst of {@code b} seconds a climb of slope {@code a}
 * overshoots by about {@code sqrt(2 b x a)}; {@code b} is assumed to be at most {@code
 * burstSeconds}. With x the rate in force when the throttled call started:
 *
 * <ul>
 *   <li>in slow start: W = x/2, the rate of one doubling earlier; the creep starts at once;
 *   <li>while creeping or probing: W = x less that overshoot (at most 99% of x), never below a W
 *       that was held without a 429; the next hold doubles if W did not rise by more than 5%;
 *   <li>while holding: the limit fell below W, and how soon after the pause the 429 came says how
 *       far: within 0.25 s W = x/2, within 1 s 70% of x, within 3 s 85%, later 95%.
 * </ul>
 *
 * A 429 to a call that started before the last cut says nothing new (it was sent at the old rate)
 * and is ignored.
 *
 * <p>The curve's clock is not the wall clock: it moves on by one interval ({@code 1 / rate}) for
 * each answer (other than a 429) to a call of the current cycle. While the rate is what holds the
 * calls back, answers come at the rate and the curve keeps time with the wall clock; when something
 * else does (the concurrency, slow answers, the input, a busy machine's late timers), the curve
 * slows down with the answers, so the rate never climbs far past what was really sent and
 * answered, and a rate nobody uses is never raised.
 */
final class LearnedRate implements RateControl {

  /**
   * The constants of the curve; {@link #DEFAULT} is what the provisioner uses. Durations in
   * seconds of the curve's clock, growth rates per such second.
   *
   * @param startRate the first rate
   * @param slowStartDoubling how long the rate takes to double in slow start
   * @param firstHold the hold after a cut
   * @param longestHold the longest hold (reached by doubling while the limit stays put)
   * @param creep the least the creep adds per second, as a share of W
   * @param creepFor how long the creep lasts
   * @param probeGrowth the probe's initial growth (natural log per second)
   * @param probeAcceleration how fast that growth grows (natural log per second squared)
   * @param burstSeconds the longest burst a server is assumed to allow, in seconds of its limit:
   *     how far past the limit a climb can get before its first 429
   * @param minRate the floor: never slower than this
   */
  record Tuning(
      double startRate,
      double slowStartDoubling,
      double firstHold,
      double longestHold,
      double creep,
      double creepFor,
      double probeGrowth,
      double probeAcceleration,
      double burstSeconds,
      double minRate) {

    static final Tuning DEFAULT = new Tuning(10, 0.5, 5, 30, 0.003, 10, Math.log(1.2), 0.1, 0.25, 0.5);
  }

  /** Where on the curve a point falls. */
  enum Phase { SLOW_START, HOLD, CREEP, PROBE }

  /** The ceiling without {@code --max-rate}: far above any API, low enough for sane arithmetic. */
  static final double NO_CEILING = 100_000;

  /** Starts remembered with the curve's clock at each, to know the rate a throttled call was sent at. */
  private static final int HISTORY = 1024;

  private static final long NONE = Long.MIN_VALUE;

  private final Tuning tuning;
  private final double ceiling;
  private boolean slowStart = true;
  private double working;
  private double hold;
  private double creep;
  private double creepFor;
  /** The curve's clock, in seconds since the cycle started. */
  private double clock;
  private long resumedAt;
  private long cutAt = NONE;
  private long lastStart = NONE;
  private final long[] startTimes = new long[HISTORY];
  private final double[] startClocks = new double[HISTORY];
  private int starts;

  /**
   * @param maxRate the ceiling ({@code --max-rate}); 0 for none
   * @param now the scheduler's clock now
   */
  LearnedRate(Tuning tuning, double maxRate, long now) {
    this.tuning = tuning;
    this.ceiling = maxRate > 0 ? maxRate : NO_CEILING;
    this.working = Math.min(tuning.startRate(), ceiling);
    this.creep = tuning.creep();
    this.resumedAt = now;
  }

  @Override
  public long nextStart(long now) {
    return lastStart == NONE ? now : lastStart + interval();
  }

  @Override
  public void started(long now) {
    long interval = interval();
    long due = lastStart == NONE ? now : lastStart + interval;
    // a timer that fired a little late does not push every later start back; a long idle gap is
    // not made up with a burst either
    lastStart = now - due < interval / 2 ? due : now;
    int i = starts++ % HISTORY;
    startTimes[i] = now;
    startClocks[i] = clock;
  }

  private long interval() {
    return (long) Math.ceil(1e9 / curve(clock));
  }

  @Override
  public double rate(long now) {
    return curve(clock);
  }

  /** The working rate W. */
  double working() {
    return working;
  }

  /** The curve's clock: seconds of answers since the cycle started. */
  double clock() {
    return clock;
  }

  /** Where the curve is now. */
  Phase phase() {
    return phase(clock);
  }

  private Phase phase(double at) {
    if (slowStart) {
      return Phase.SLOW_START;
    }
    return at < hold ? Phase.HOLD : at < hold + creepFor ? Phase.CREEP : Phase.PROBE;
  }

  private double curve(double at) {
    double r;
    if (slowStart) {
      r = working * Math.pow(2, at / tuning.slowStartDoubling());
    } else if (at < hold) {
      r = working;
    } else if (at < hold + creepFor) {
      r = working * (1 + creep * (at - hold));
    } else {
      double u = at - hold - creepFor;
      r = working * (1 + creep * creepFor)
          * Math.exp(tuning.probeGrowth() * u + tuning.probeAcceleration() * u * u / 2);
    }
    return Math.max(tuning.minRate(), Math.min(ceiling, r));
  }

  /** How fast the curve climbs at {@code at}, per second squared. */
  private double slope(double at) {
    if (slowStart) {
      return curve(at) * Math.log(2) / tuning.slowStartDoubling();
    } else if (at < hold) {
      return 0;
    } else if (at < hold + creepFor) {
      return working * creep;
    }
    return curve(at) * (tuning.probeGrowth() + tuning.probeAcceleration() * (at - hold - creepFor));
  }

  /** The curve's clock when the call that started at {@code startNanos} started. */
  private double clockAt(long startNanos) {
    int n = Math.min(starts, HISTORY);
    for (int k = 1; k <= n; k++) {
      int i = Math.floorMod(starts - k, HISTORY);
      if (startTimes[i] <= startNanos) {
        return startClocks[i];
      }
    }
    return n == 0 ? clock : startClocks[Math.floorMod(starts - n, HISTORY)]; // older than remembered
  }

  @Override
  public void answered(long startNanos, long now) {
    if (startNanos >= cutAt) {
      clock += 1 / curve(clock);
    }
  }

  @Override
  public boolean rateLimited(long startNanos, long now, long resumeNanos) {
    if (startNanos < cutAt) {
      return false;
    }
    double at = clockAt(startNanos);
    double x = curve(at);
    double a = slope(at);
    double before = working;
    double longerHold = Math.min(tuning.longestHold(), Math.max(tuning.firstHold(), 2 * hold));
    switch (phase(at)) {
      case SLOW_START -> {
        working = x / 2;
        hold = 0;
        creepFor = tuning.creepFor();
      }
      case CREEP, PROBE -> {
        // held without a 429 for a while, the old working rate is itself evidence
        working = hold >= tuning.firstHold() ? Math.max(working, belowOvershoot(x, a)) : belowOvershoot(x, a);
        hold = working <= 1.05 * before ? longerHold : tuning.firstHold();
        creepFor = tuning.creepFor();
      }
      case HOLD -> {
        double sinceResumed = (startNanos - resumedAt) / 1e9;
        working = x * (sinceResumed < 0.25 ? 0.5 : sinceResumed < 1 ? 0.7 : sinceResumed < 3 ? 0.85 : 0.95);
        hold = tuning.firstHold();
        creepFor = tuning.creepFor();
      }
    }
    working = Math.max(tuning.minRate(), Math.min(ceiling, working));
    // the creep climbs towards just below the rate that failed, or at its own pace if that is slower
    creep = Math.max(tuning.creep(), (0.99 * x / working - 1) / creepFor);
    slowStart = false;
    clock = 0;
    cutAt = now;
    resumedAt = Math.max(now, resumeNanos);
    return true;
  }

  /**
   * How far below {@code x} the limit may be, when a curve climbing at {@code slope} (per second
   * squared) was answered 429 at {@code x}: the server's burst hid the limit until the climb had
   * used it up. A burst of {@code b} seconds at about {@code x} runs out {@code sqrt(2 b x slope)}
   * above the limit; the burst assumed is {@code burstSeconds}. At most 99% of {@code x}.
   */
  private double belowOvershoot(double x, double slope) {
    return Math.min(0.99 * x, x - Math.sqrt(2 * tuning.burstSeconds() * x * Math.max(0, slope)));
  }
}
