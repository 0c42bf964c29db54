package ai.bctrl.provisioner.sandbox;

/** A runtime's {@code status}; {@link #wire()} is its name in the API. */
enum RuntimeStatus {
  ACTIVE("active"),
  STOPPED("stopped"),
  FAILED("failed");

  private final String wire;

  RuntimeStatus(String wire) {
    this.wire = wire;
  }

  String wire() {
    return wire;
  }
}
