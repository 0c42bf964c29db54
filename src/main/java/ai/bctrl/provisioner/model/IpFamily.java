package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code ipFamily} override of a saved proxy. */
public enum IpFamily implements WireEnum {
  /** {@code dual-stack}: the proxy may reach sites over IPv4 or IPv6. */
  DUAL_STACK("dual-stack"),
  /** {@code ipv4-only}: the proxy reaches sites over IPv4 only. */
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

  /**
   * Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values.
   *
   * @param wire the exact string the API uses, e.g. {@code "dual-stack"}
   * @return the constant with that wire name
   */
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
