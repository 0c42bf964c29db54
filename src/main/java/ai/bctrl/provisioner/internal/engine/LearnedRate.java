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
 * A 429 ends the cycle. The server's burst hides its limit until the calls sent above it have used
 * the burst up, so the 429 comes above the limit. The new W is the lowest limit the cycle's calls
 * fit under, had the server a token bucket of at most {@code burstSeconds} of its limit, full when
 * the cycle began: every stretch of {@code n} calls accepted in {@code t} seconds before the
 * throttled one satisfies {@code n <= L (t + b)}. With x the rate in force when the throttled call
 * started:
 *
 * <ul>
 *   <li>in slow start, creeping or probing: W = that fit (at most 99% of x), never below a W that
 *       was held a whole hold without a 429; the next hold doubles if W rose less than 5%, else it
 *       is 5 s, or none after slow start or a probe (their fast climb pins the limit only loosely,
 *       so the creep starts at once);
 *   <li>while holding: the limit fell below W, and how soon after the pause the 429 came says how
 *       far: within 0.25 s W = x/2, within 1 s 70% of x, within 3 s 85%, later 95%. The first 429
 *       that late may be a stray one (calls bunched up on their way, a burst spent by someone
 *       else): it cuts only 1% and the hold goes on for what was left of it; the next is believed.
 * </ul>
 *
 * A 429 to a call that started before the cycle began (before the last pause ended) says nothing
 * new: it was sent at the old rate. It is ignored.
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
  /** Whether the last cut was a stray 429's token one. */
  private boolean strayBefore;
  private long resumedAt;
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
    if (startNanos >= resumedAt) {
      clock += 1 / curve(clock);
    }
  }

  @Override
  public boolean rateLimited(long startNanos, long now, long resumeNanos) {
    // a call started before this cycle's pause ended was sent at an earlier rate (it may take its
    // start a moment after its grant, so even one started after the last cut may be one)
    if (startNanos < resumedAt) {
      return false;
    }
    double at = clockAt(startNanos);
    double x = curve(at);
    double fit = Math.min(0.99 * x, lowestLimit(startNanos, x));
    double before = working;
    double longerHold = Math.min(tuning.longestHold(), Math.max(tuning.firstHold(), 2 * hold));
    switch (phase(at)) {
      case SLOW_START -> {
        working = fit;
        hold = 0;
        strayBefore = false;
      }
      case CREEP, PROBE -> {
        strayBefore = false;
        // held without a 429 for a whole hold, the old working rate is itself evidence
        working = hold >= tuning.firstHold() ? Math.max(working, fit) : fit;
        // a probe that found the limit higher climbed fast, so its calls pin the new limit only
        // loosely (the fit is well below it): no hold, but a creep from the fit at once, as after
        // slow start
        hold = working <= 1.05 * before ? longerHold : phase(at) == Phase.PROBE ? 0 : tuning.firstHold();
      }
      case HOLD -> {
        // the limit fell below the working rate: the sooner after the pause, the further. Long
        // after it, the first such 429 may be a stray one (calls bunched up on their way, a burst
        // spent by another client): a token cut, and the hold goes on; a second one is believed.
        double sinceResumed = (startNanos - resumedAt) / 1e9;
        boolean stray = sinceResumed >= 3 && !strayBefore;
        working = x * (stray ? 0.99 : fallen(sinceResumed));
        hold = stray ? Math.max(0, hold - at) : tuning.firstHold();
        strayBefore = stray;
      }
    }
    working = Math.max(tuning.minRate(), Math.min(ceiling, working));
    creepFor = tuning.creepFor();
    // the creep climbs towards just below the rate that failed, or at its own pace if that is slower
    creep = Math.max(tuning.creep(), (0.99 * x / working - 1) / creepFor);
    slowStart = false;
    clock = 0;
    resumedAt = Math.max(now, resumeNanos);
    return true;
  }

  /** What share of W is left after a 429 while holding, {@code sinceResumed} seconds after the pause. */
  private static double fallen(double sinceResumed) {
    return sinceResumed < 0.25 ? 0.5 : sinceResumed < 1 ? 0.7 : sinceResumed < 3 ? 0.85 : 0.95;
  }

  /**
   * The lowest limit this cycle's calls are consistent with, had the server a token bucket of at
   * most {@code burstSeconds} of its limit, full when the cycle started (the pause let it refill):
   * every call started before the throttled one was accepted, so each stretch of {@code n} of them
   * ending at the throttled start, {@code t} seconds long, fits in the burst plus what the limit
   * refills: {@code n <= b * L + L * t}, so {@code L >= n / (t + b)}.
   */
  private double lowestLimit(long throttledStart, double x) {
    double lowest = tuning.minRate();
    int accepted = 0;
    for (int k = 1; k <= Math.min(starts, HISTORY); k++) {
      long t = startTimes[Math.floorMod(starts - k, HISTORY)];
      if (t < resumedAt) {
        break;
      }
      if (t < throttledStart) {
        accepted++;
        lowest = Math.max(lowest, accepted / ((throttledStart - t) / 1e9 + tuning.burstSeconds()));
      }
    }
    return accepted == 0 ? x / 2 : lowest;
  }
}
