package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code status} of a runtime as the API reports it. */
public enum RuntimeStatus implements WireEnum {
  /** {@code active}: running; it must be stopped before it can be deleted. */
  ACTIVE("active"),
  /** {@code stopped}: not running; its browser state is kept until it is deleted. */
  STOPPED("stopped"),
  /** {@code failed}: the runtime ran into an error and is not usable. */
  FAILED("failed");

  private final String wire;

  RuntimeStatus(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /**
   * Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values.
   *
   * @param wire the exact string the API uses, e.g. {@code "active"}
   * @return the constant with that wire name
   */
  @JsonCreator
  public static RuntimeStatus of(String wire) {
    return WireEnum.fromWire(RuntimeStatus.class, wire)
        .orElseThrow(() -> new IllegalArgumentException(
            "must be one of " + WireEnum.wireNames(RuntimeStatus.class) + ", got \"" + wire + "\""));
  }

  @Override
  public String toString() {
    return wire;
  }
}
