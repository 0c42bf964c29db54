package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code config.stealth} level. */
public enum Stealth implements WireEnum {
  /** {@code medium}: the lightest anti-detection level. */
  MEDIUM("medium"),
  /** {@code high}: stronger anti-detection than {@code medium}. */
  HIGH("high"),
  /** {@code ultra}: the strongest anti-detection level. */
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

  /**
   * Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values.
   *
   * @param wire the exact string the API uses, e.g. {@code "high"}
   * @return the constant with that wire name
   */
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
