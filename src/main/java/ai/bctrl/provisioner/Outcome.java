package ai.bctrl.provisioner;

/** How an item ended, as written to the ledger's {@code outcome} column. */
public enum Outcome {
  /** The API created it; its status is {@code active}. Done. */
  CREATED("created", true),
  /** Found on the server by its key (an answer was lost, or the ledger was). Done. */
  ADOPTED("adopted", true),
  /** Created or found, but its status is {@code failed} or {@code stopped}. */
  UNHEALTHY("unhealthy", false),
  /** A permanent error, or attempts exhausted. Tried again on resume. */
  FAILED("failed", false),
  /** The manifest row is invalid; never sent. */
  INVALID("invalid", false),
  /** The outcome could not be settled. Settled again, then tried, on resume. */
  UNKNOWN("unknown", false),
  /** In flight or waiting to retry when the run stopped. Settled again, then tried, on resume. */
  ABORTED("aborted", false),
  /**
   * Teardown stopped it ({@link Provisioner#teardown}); it still exists, with its browser state. Kept
   * on resume like {@link #UNHEALTHY}: replaced only when replacing unhealthy items is asked for.
   */
  STOPPED("stopped", false),
  /** Teardown deleted it, or found it gone. Created anew on resume. */
  DELETED("deleted", false);

  private final String wire;
  private final boolean done;

  Outcome(String wire, boolean done) {
    this.wire = wire;
    this.done = done;
  }

  /** The ledger's spelling. */
  public String wire() {
    return wire;
  }

  /** Whether an item with this outcome counts as provisioned (exit 0 needs every item done). */
  public boolean isDone() {
    return done;
  }

  /** Whether teardown wrote it ({@link #STOPPED}, {@link #DELETED}) rather than a provisioning run. */
  public boolean isTeardown() {
    return this == STOPPED || this == DELETED;
  }

  /** Parses the ledger's spelling. */
  public static Outcome of(String wire) {
    for (Outcome o : values()) {
      if (o.wire.equals(wire)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown outcome \"" + wire + "\"");
  }

  @Override
  public String toString() {
    return wire;
  }
}
