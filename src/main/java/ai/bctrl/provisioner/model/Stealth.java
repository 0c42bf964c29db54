package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code config.stealth} level. */
public enum Stealth implements WireEnum {
  MEDIUM("medium"),
  HIGH("high"),
  ULTRA("ultra");

  private final String wire;

  Stealth(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /** Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values. */
  @JsonCreator
  public static Stealth of(String wire) {
    return WireEnum.fromWire(Stealth.class, wire)
        .orElseThrow(() -> new IllegalArgumentException(
            "must be one of " + WireEnum.wireNames(Stealth.class) + ", got \"" + wire + "\""));
  }

  @Override
  public String toString() {
    return wire;
  }
}
