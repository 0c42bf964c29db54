package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code poolPreference} override of a saved proxy. */
public enum PoolPreference implements WireEnum {
  QUALITY("quality"),
  QUALITY_SPEED("quality-speed"),
  SPEED("speed"),
  MAX_POOL("max-pool");

  private final String wire;

  PoolPreference(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /** Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values. */
  @JsonCreator
  public static PoolPreference of(String wire) {
    return WireEnum.fromWire(PoolPreference.class, wire)
        .orElseThrow(() -> new IllegalArgumentException(
            "must be one of " + WireEnum.wireNames(PoolPreference.class) + ", got \"" + wire + "\""));
  }

  @Override
  public String toString() {
    return wire;
  }
}
