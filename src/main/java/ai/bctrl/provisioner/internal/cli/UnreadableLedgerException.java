package ai.bctrl.provisioner.internal.cli;

/** The ledger a teardown was given cannot be read (missing, unreadable, not a ledger): exit 65, one line. */
final class UnreadableLedgerException extends RuntimeException {
  UnreadableLedgerException(String message, Throwable cause) {
    super(message, cause);
  }
}
