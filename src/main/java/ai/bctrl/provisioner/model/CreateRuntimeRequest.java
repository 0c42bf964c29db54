package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST /v1/spaces/{id}/runtimes}. Serialised, absent ({@code null}) fields are
 * left out. Immutable: the collections are copied. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * CreateRuntimeRequest shape = CreateRuntimeRequest.builder()
 *     .name("scraper-1")
 *     .metadata("team", "growth")
 *     .config(RuntimeConfig.builder().stealth(Stealth.HIGH).humanize(true).noProxy().build())
 *     .build();
 * }</pre>
 *
 * @param type the runtime type; {@code browser}, the only one, when not given
 * @param name the runtime's name, or {@code null}
 * @param profile the browser profile to start from, or {@code null}
 * @param extensionIds the extensions to install, or {@code null}
 * @param metadata values of any JSON type; the provisioner stamps {@code provisionerKey} into it
 * @param config the {@code config} object, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateRuntimeRequest(
    RuntimeType type,
    String name,
    String profile,
    List<String> extensionIds,
    Map<String, Object> metadata,
    RuntimeConfig config) {

  /** The metadata field carrying the item key. */
  public static final String PROVISIONER_KEY = "provisionerKey";

  /**
   * Defaults {@code type} to {@code browser} and copies the collections, so the request cannot
   * change after it is made.
   *
   * @param type the runtime type, or {@code null} for {@code browser}
   * @param name the runtime's name, or {@code null} for none
   * @param profile the browser profile to start from, or {@code null} for none
   * @param extensionIds the extensions to install, or {@code null} for none
   * @param metadata values of any JSON type, or {@code null} for none; the provisioner stamps {@code
   *     provisionerKey} into it
   * @param config the {@code config} object, or {@code null} for none
   */
  public CreateRuntimeRequest {
    type = type == null ? RuntimeType.BROWSER : type;
    extensionIds = extensionIds == null ? null : List.copyOf(extensionIds);
    metadata = metadata == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /**
   * A copy with {@code metadata.provisionerKey} set to {@code key}; the other metadata is kept.
   *
   * @param key the item key; not {@code null}
   * @return the new request
   */
  public CreateRuntimeRequest withProvisionerKey(String key) {
    Objects.requireNonNull(key, "key");
    if (metadata == null) { // the constructor copies it into a map of its own
      return new CreateRuntimeRequest(type, name, profile, extensionIds, Map.of(PROVISIONER_KEY, key), config);
    }
    Map<String, Object> m = new LinkedHashMap<>(metadata);
    m.put(PROVISIONER_KEY, key);
    return new CreateRuntimeRequest(type, name, profile, extensionIds, m, config);
  }

  /**
   * A copy with another name.
   *
   * @param newName the runtime's name, or {@code null} for none
   * @return the new request
   */
  public CreateRuntimeRequest withName(String newName) {
    return new CreateRuntimeRequest(type, newName, profile, extensionIds, metadata, config);
  }

  /**
   * The item key stamped into this request's metadata.
   *
   * @return {@code metadata.provisionerKey}, or {@code null} when absent or not a string
   */
  public String provisionerKey() {
    Object k = metadata == null ? null : metadata.get(PROVISIONER_KEY);
    return k instanceof String s ? s : null;
  }

  /**
   * A builder with every field absent ({@code type} defaults to {@code browser}).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this request's fields, to change some of them.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder().type(type).name(name).profile(profile).extensionIds(extensionIds).config(config);
    b.metadata = metadata == null ? null : new LinkedHashMap<>(metadata);
    return b;
  }

  /** Builds a {@link CreateRuntimeRequest}; every field is optional. Not thread-safe. */
  public static final class Builder {
    private RuntimeType type;
    private String name;
    private String profile;
    private List<String> extensionIds;
    private Map<String, Object> metadata;
    private RuntimeConfig config;

    private Builder() {}

    /**
     * The runtime type; {@code browser}, the only one, when not set.
     *
     * @param type the runtime type, or {@code null} for {@code browser}
     * @return this builder
     */
    public Builder type(RuntimeType type) {
      this.type = type;
      return this;
    }

    /**
     * The runtime's name.
     *
     * @param name the runtime's name, or {@code null} for none
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * The browser profile to start from.
     *
     * @param profile the profile, or {@code null} for none
     * @return this builder
     */
    public Builder profile(String profile) {
      this.profile = profile;
      return this;
    }

    /**
     * The extensions to install; replaces any set before.
     *
     * @param extensionIds the extensions' ids, or {@code null} for none
     * @return this builder
     */
    public Builder extensionIds(List<String> extensionIds) {
      this.extensionIds = extensionIds == null ? null : new java.util.ArrayList<>(extensionIds);
      return this;
    }

    /**
     * Adds one extension to those set before.
     *
     * @param extensionId the extension's id; not {@code null}
     * @return this builder
     */
    public Builder extensionId(String extensionId) {
      Objects.requireNonNull(extensionId, "extensionId");
      if (extensionIds == null) {
        extensionIds = new java.util.ArrayList<>();
      }
      extensionIds.add(extensionId);
      return this;
    }

    /**
     * The whole metadata map; replaces any set before.
     *
     * @param metadata values of any JSON type, or {@code null} for none
     * @return this builder
     */
    public Builder metadata(Map<String, Object> metadata) {
      this.metadata = metadata == null ? null : new LinkedHashMap<>(metadata);
      return this;
    }

    /**
     * Sets one metadata entry; {@code provisionerKey} is set by the item, not here.
     *
     * @param key the entry's name; not {@code null}
     * @param value a value of any JSON type; {@code null} is sent as JSON {@code null}
     * @return this builder
     */
    public Builder metadata(String key, Object value) {
      Objects.requireNonNull(key, "metadata key");
      if (metadata == null) {
        metadata = new LinkedHashMap<>();
      }
      metadata.put(key, value);
      return this;
    }

    /**
     * The {@code config} object. See {@link RuntimeConfig#builder()}.
     *
     * @param config the config, or {@code null} for none
     * @return this builder
     */
    public Builder config(RuntimeConfig config) {
      this.config = config;
      return this;
    }

    /**
     * The request; the builder can go on being used.
     *
     * @return a new, immutable request
     */
    public CreateRuntimeRequest build() {
      return new CreateRuntimeRequest(type, name, profile, extensionIds, metadata, config);
    }
  }
}
