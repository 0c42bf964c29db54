package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import java.util.UUID;

/**
 * A proxy saved in bctrl, named by its uuid, with optional overrides.
 *
 * @param id the saved proxy's id
 * @param overrides what to change of it for this runtime, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SavedProxy(UUID id, ProxyOverrides overrides) implements Proxy {

  /**
   * Checks that the id is set.
   *
   * @param id the saved proxy's id in bctrl; not {@code null}
   * @param overrides what to change of the saved proxy for this runtime, or {@code null} for nothing
   * @throws NullPointerException if {@code id} is {@code null}
   */
  public SavedProxy {
    Objects.requireNonNull(id, "id");
  }

  @Override
  @JsonProperty("mode")
  public String mode() {
    return "saved";
  }
}
