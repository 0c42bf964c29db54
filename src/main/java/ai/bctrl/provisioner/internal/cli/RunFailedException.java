package ai.bctrl.provisioner.internal.cli;

/**
 * The run could not go on for a reason outside the manifest and the flags (e.g. the ledger cannot
 * be written any more): exit 1, one line. The lock file stays, so the next run knows calls may
 * have been in flight.
 */
final class RunFailedException extends RuntimeException {
  RunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
