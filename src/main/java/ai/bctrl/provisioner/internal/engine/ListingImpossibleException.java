package ai.bctrl.provisioner.internal.engine;

/** A space could not be listed, even after retries. */
final class ListingImpossibleException extends RuntimeException {
  ListingImpossibleException(String message) {
    super(message, null, false, false);
  }
}
