package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code type} of a runtime to create; {@code browser} is the only value. */
public enum RuntimeType implements WireEnum {
  /** {@code browser}: a cloud browser, the only type there is. */
  BROWSER("browser");

  private final String wire;

  RuntimeType(String wire) {
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
   * @param wire the exact string the API uses, e.g. {@code "browser"}
   * @return the constant with that wire name
   */
  @JsonCreator
  public static RuntimeType of(String wire) {
    return WireEnum.fromWire(RuntimeType.class, wire)
        .orElseThrow(() -> new IllegalArgumentException(
            "must be one of " + WireEnum.wireNames(RuntimeType.class) + ", got \"" + wire + "\""));
  }

  @Override
  public String toString() {
    return wire;
  }
}
