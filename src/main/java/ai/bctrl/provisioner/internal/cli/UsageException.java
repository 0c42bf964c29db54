package ai.bctrl.provisioner.internal.cli;

/** A usage mistake found after parsing (a missing key, a bad combination): exit 64, one line. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
