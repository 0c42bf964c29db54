package ai.bctrl.provisioner.internal.manifest;

/** The manifest holds more items than {@code --max-items} allows (exit 65). */
public final class MaxItemsExceededException extends ManifestException {

  public MaxItemsExceededException(String message) {
    super(message);
  }
}
