package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A proxy given in full. {@code toString} never shows the password.
 *
 * @param host the proxy's host name or address
 * @param port 1..65535
 * @param protocol how to speak to the proxy
 * @param username the proxy's user name, or {@code null}
 * @param password the proxy's password, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CustomProxy(
    String host, int port, ProxyProtocol protocol, String username, String password) implements Proxy {

  /**
   * Checks the fields.
   *
   * @param host the proxy's host name or address; not {@code null}
   * @param port the proxy's port, 1..65535
   * @param protocol how to speak to the proxy; not {@code null}
   * @param username the proxy's user name, or {@code null} for none
   * @param password the proxy's password, or {@code null} for none; never shown by {@code toString}
   * @throws NullPointerException if {@code host} or {@code protocol} is {@code null}
   * @throws IllegalArgumentException if {@code port} is outside 1..65535
   */
  public CustomProxy {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(protocol, "protocol");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535 but was " + port);
    }
  }

  @Override
  @JsonProperty("mode")
  public String mode() {
    return "custom";
  }

  @Override
  public String toString() {
    return "CustomProxy[host=" + host + ", port=" + port + ", protocol=" + protocol
        + ", username=" + username + ", password=" + (password == null ? null : "***") + "]";
  }
}
