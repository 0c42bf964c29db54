package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * {@code config.proxy}: the {@code custom} or the {@code saved} variant, told apart on the wire by
 * {@code mode}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "mode", visible = true)
@JsonSubTypes({
  @JsonSubTypes.Type(value = CustomProxy.class, name = "custom"),
  @JsonSubTypes.Type(value = SavedProxy.class, name = "saved")
})
public sealed interface Proxy permits CustomProxy, SavedProxy {
  /**
   * The wire discriminator.
   *
   * @return {@code custom} or {@code saved}
   */
  String mode();
}
