package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The {@code poolPreference} override of a saved proxy: which of the proxy's IP pools to draw from.
 * The API documents the names only; the sentences below say how they read.
 */
public enum PoolPreference implements WireEnum {
  /** {@code quality}: IPs of the best quality first. */
  QUALITY("quality"),
  /** {@code quality-speed}: a balance of IP quality and connection speed. */
  QUALITY_SPEED("quality-speed"),
  /** {@code speed}: the fastest connections first. */
  SPEED("speed"),
  /** {@code max-pool}: the largest pool, for the most distinct IPs. */
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

  /**
   * Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values.
   *
   * @param wire the exact string the API uses, e.g. {@code "quality"}
   * @return the constant with that wire name
   */
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
