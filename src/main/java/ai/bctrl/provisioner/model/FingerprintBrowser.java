package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code config.fingerprint.browser}. */
public enum FingerprintBrowser implements WireEnum {
  /** {@code chrome}: the runtime presents itself as Google Chrome. */
  CHROME("chrome"),
  /** {@code edge}: the runtime presents itself as Microsoft Edge. */
  EDGE("edge");

  private final String wire;

  FingerprintBrowser(String wire) {
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
   * @param wire the exact string the API uses, e.g. {@code "chrome"}
   * @return the constant with that wire name
   */
  @JsonCreator
  public static FingerprintBrowser of(String wire) {
    return WireEnum.fromWire(FingerprintBrowser.class, wire)
        .orElseThrow(() -> new IllegalArgumentException(
            "must be one of " + WireEnum.wireNames(FingerprintBrowser.class) + ", got \"" + wire + "\""));
  }

  @Override
  public String toString() {
    return wire;
  }
}
