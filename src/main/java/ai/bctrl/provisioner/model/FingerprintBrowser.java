package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code config.fingerprint.browser}. */
public enum FingerprintBrowser implements WireEnum {
  CHROME("chrome"),
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

  /** Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values. */
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
