package ai.bctrl.provisioner.internal.client;

/**
 * A call that got no complete answer. {@link #requestWritten()} tells whether the whole request
 * had been handed to the network when it failed: if not, the server cannot have acted on it.
 */
public final class TransportException extends RuntimeException {

  /** What went wrong. */
  public enum Kind {
    /** The connection could not be made (refused, unreachable, connect timeout). */
    CONNECT,
    /** The connection was closed or reset before a complete answer arrived. */
    RESET,
    /** The whole call took longer than the request timeout. */
    TIMEOUT,
    /** Anything else at the transport level (TLS, protocol errors). */
    OTHER
  }

  private final Kind kind;
  private final boolean requestWritten;

  public TransportException(Kind kind, boolean requestWritten, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
    this.requestWritten = requestWritten;
  }

  public Kind kind() {
    return kind;
  }

  public boolean requestWritten() {
    return requestWritten;
  }
}
