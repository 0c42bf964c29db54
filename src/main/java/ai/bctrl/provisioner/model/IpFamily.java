package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code ipFamily} override of a saved proxy. */
public enum IpFamily implements WireEnum {
  DUAL_STACK("dual-stack"),
  IPV4_ONLY("ipv4-only");

  private final String wire;

  IpFamily(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /** Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values. */
  @JsonCreator
  public static IpFamily of(String wire) {
    return WireEnum.fromWire(IpFamily.class, wire)
        .orElseThrow(() -> new IllegalArgumentException(
            "must be one of " + WireEnum.wireNames(IpFamily.class) + ", got \"" + wire + "\""));
  }

  @Override
  public String toString() {
    return wire;
  }
}
