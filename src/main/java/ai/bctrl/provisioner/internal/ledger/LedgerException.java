package ai.bctrl.provisioner.internal.ledger;

/** The ledger cannot be used: unreadable, not a ledger, or a bad name. Its message is one line. */
public class LedgerException extends RuntimeException {
  public LedgerException(String message) {
    super(message);
  }

  public LedgerException(String message, Throwable cause) {
    super(message, cause);
  }
}
