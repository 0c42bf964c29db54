package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import java.util.UUID;

/** A proxy saved in bctrl, named by its uuid, with optional overrides. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SavedProxy(UUID id, ProxyOverrides overrides) implements Proxy {

  public SavedProxy {
    Objects.requireNonNull(id, "id");
  }

  @Override
  @JsonProperty("mode")
  public String mode() {
    return "saved";
  }
}
