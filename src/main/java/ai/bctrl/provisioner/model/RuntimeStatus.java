package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code status} of a runtime as the API reports it. */
public enum RuntimeStatus implements WireEnum {
  ACTIVE("active"),
  STOPPED("stopped"),
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

  /** Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values. */
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
