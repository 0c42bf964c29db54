package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The affinity override of a saved proxy: {@code rotate}, or {@code sticky} with an optional key. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "strategy", visible = true)
@JsonSubTypes({
  @JsonSubTypes.Type(value = Affinity.Rotate.class, name = "rotate"),
  @JsonSubTypes.Type(value = Affinity.Sticky.class, name = "sticky")
})
public sealed interface Affinity permits Affinity.Rotate, Affinity.Sticky {
  /**
   * The wire discriminator.
   *
   * @return {@code rotate} or {@code sticky}
   */
  String strategy();

  /** A new IP for each connection. */
  record Rotate() implements Affinity {
    @Override
    @JsonProperty("strategy")
    public String strategy() {
      return "rotate";
    }
  }

  /**
   * The same IP for the same key.
   *
   * @param key runtimes with the same key share an IP; {@code null} for the API's default
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Sticky(String key) implements Affinity {
    @Override
    @JsonProperty("strategy")
    public String strategy() {
      return "sticky";
    }
  }
}
