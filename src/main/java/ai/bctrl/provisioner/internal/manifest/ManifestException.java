package ai.bctrl.provisioner.internal.manifest;

/**
 * The manifest cannot be read at all: it is unreadable, its header is bad, it is malformed CSV or
 * JSON, or {@code --defaults} is. The message is one line for the user (where, what, what to do);
 * the command exits 65.
 */
public class ManifestException extends RuntimeException {

  public ManifestException(String message) {
    super(message);
  }

  public ManifestException(String message, Throwable cause) {
    super(message, cause);
  }
}
