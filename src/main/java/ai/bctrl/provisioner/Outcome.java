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

  /**
   * The outcome's spelling in the ledger's {@code outcome} column, in reports and in {@link
   * #toString()}.
   *
   * @return the lower-case name, e.g. {@code created}
   */
  public String wire() {
    return wire;
  }

  /**
   * Whether an item with this outcome counts as provisioned: a resumed run leaves it alone, and
   * the CLI exits 0 only when every item is done.
   *
   * @return {@code true} for {@link #CREATED} and {@link #ADOPTED} only
   */
  public boolean isDone() {
    return done;
  }

  /**
   * Whether teardown writes this outcome rather than a provisioning run.
   *
   * @return {@code true} for {@link #STOPPED} and {@link #DELETED} only
   */
  public boolean isTeardown() {
    return this == STOPPED || this == DELETED;
  }

  /**
   * The outcome a ledger's {@code outcome} column names.
   *
   * @param wire the spelling, as {@link #wire()} gives it (exact, lower case)
   * @return the outcome
   * @throws IllegalArgumentException quoting {@code wire} when no outcome is spelled so
   */
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
