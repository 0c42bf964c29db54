package ai.bctrl.provisioner.internal.ledger;

/** Another live process holds the ledger's lock file. */
public final class LedgerLockedException extends LedgerException {
  private final long pid;

  public LedgerLockedException(java.nio.file.Path ledger, long pid) {
    super("ledger " + ledger + " is locked by running process " + pid
        + "; wait for it to end or use another --ledger");
    this.pid = pid;
  }

  /** The pid of the process holding the lock. */
  public long pid() {
    return pid;
  }
}
