package ai.bctrl.provisioner.internal.client;

/** A listing call answered with a non-2xx status or a body that is not a listing. */
public final class ListingException extends RuntimeException {
  private final Reply reply;

  public ListingException(String message, Reply reply) {
    super(message, null, false, false);
    this.reply = reply;
  }

  /** The answer (its {@code runtime} is always {@code null}). */
  public Reply reply() {
    return reply;
  }
}
