package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The protocol of a custom proxy, or of a saved proxy's override. */
public enum ProxyProtocol implements WireEnum {
  /** {@code http}: an HTTP proxy. */
  HTTP("http"),
  /** {@code socks5}: a SOCKS version 5 proxy. */
  SOCKS5("socks5");

  private final String wire;

  ProxyProtocol(String wire) {
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
   * @param wire the exact string the API uses, e.g. {@code "socks5"}
   * @return the constant with that wire name
   */
  @JsonCreator
  public static ProxyProtocol of(String wire) {
    return WireEnum.fromWire(ProxyProtocol.class, wire)
        .orElseThrow(() -> new IllegalArgumentException(
            "must be one of " + WireEnum.wireNames(ProxyProtocol.class) + ", got \"" + wire + "\""));
  }

  @Override
  public String toString() {
    return wire;
  }
}
