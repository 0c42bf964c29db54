package ai.bctrl.provisioner.internal.engine;

/**
 * The policy behind one space's {@link SpaceStarts}: when the next call may start, and how answers
 * move that. Called under the {@link SpaceStarts}' lock, so implementations need no locking of
 * their own; every time is the scheduler's clock in nanoseconds. {@link LearnedRate} is the one
 * the provisioner uses; tests plug in others (the AWS-style reference) to compare.
 */
interface RateControl {

  /** The earliest time the next call may start; at or before {@code now} means now. */
  long nextStart(long now);

  /** A call starts now (it was due). */
  void started(long now);

  /** The rate in force now, in starts per second (for events and summaries). */
  double rate(long now);

  /** A call that started at {@code startNanos} ended now with anything but a 429. */
  void answered(long startNanos, long now);

  /**
   * A call that started at {@code startNanos} was answered 429 now; no call starts before {@code
   * resumeNanos}. Returns whether the rate changed.
   */
  boolean rateLimited(long startNanos, long now, long resumeNanos);
}
