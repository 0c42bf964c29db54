package ai.bctrl.provisioner.internal.cli;

/**
 * The exit codes users and scripts rely on (documented under "Exit codes" in {@code
 * docs/reference.md}), and which one a finished run gets. When several apply the first of 130/143,
 * 65, 3, 2, 0 wins: a manifest found malformed mid-run comes right after the signals, since the
 * input is broken and no resume can fix it.
 */
final class ExitCodes {
  static final int OK = 0;
  static final int INTERNAL = 1;
  static final int INCOMPLETE = 2;
  static final int STOPPED = 3;
  static final int USAGE = 64;
  static final int MANIFEST = 65;
  static final int SIGINT = 130;
  static final int SIGTERM = 143;

  private ExitCodes() {}

  /** Why a run stopped before its end, if it did. */
  enum Stop {
    NONE,
    /** The engine stopped it (key rejected, quota, too many failures) or the deadline passed. */
    STOPPED,
    SIGINT,
    SIGTERM
  }

  /**
   * The exit code of a run that got as far as provisioning.
   *
   * @param stop why it stopped early, if it did
   * @param manifestBroken the manifest turned out unreadable or malformed mid-run
   * @param notDone items of the manifest (shard) whose last outcome is not created/adopted
   */
  static int of(Stop stop, boolean manifestBroken, long notDone) {
    if (stop == Stop.SIGINT) {
      return SIGINT;
    }
    if (stop == Stop.SIGTERM) {
      return SIGTERM;
    }
    if (manifestBroken) {
      return MANIFEST;
    }
    if (stop == Stop.STOPPED) {
      return STOPPED;
    }
    return notDone > 0 ? INCOMPLETE : OK;
  }
}
