package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST /v1/spaces/{id}/runtimes}. Serialised, absent ({@code null}) fields are
 * left out. Immutable: the collections are copied.
 *
 * @param metadata values of any JSON type; the provisioner stamps {@code provisionerKey} into it
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

  public CreateRuntimeRequest {
    type = type == null ? RuntimeType.BROWSER : type;
    extensionIds = extensionIds == null ? null : List.copyOf(extensionIds);
    metadata = metadata == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** A copy with {@code metadata.provisionerKey} set to {@code key}. */
  public CreateRuntimeRequest withProvisionerKey(String key) {
    Objects.requireNonNull(key, "key");
    Map<String, Object> m = metadata == null ? new LinkedHashMap<>() : new LinkedHashMap<>(metadata);
    m.put(PROVISIONER_KEY, key);
    return new CreateRuntimeRequest(type, name, profile, extensionIds, m, config);
  }

  /** A copy with another name. */
  public CreateRuntimeRequest withName(String newName) {
    return new CreateRuntimeRequest(type, newName, profile, extensionIds, metadata, config);
  }

  /** The {@code metadata.provisionerKey}, or {@code null}. */
  public String provisionerKey() {
    Object k = metadata == null ? null : metadata.get(PROVISIONER_KEY);
    return k instanceof String s ? s : null;
  }
}
