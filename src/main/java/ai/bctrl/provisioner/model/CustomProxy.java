package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A proxy given in full. {@code toString} never shows the password.
 *
 * @param port 1..65535
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CustomProxy(
    String host, int port, ProxyProtocol protocol, String username, String password) implements Proxy {

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
