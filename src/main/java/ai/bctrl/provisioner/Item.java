package ai.bctrl.provisioner;

import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import java.util.Objects;

/**
 * One runtime to provision: its stable key, its space and the exact body to send. The body always
 * carries the key as {@code metadata.provisionerKey}: build items with {@link #of}.
 *
 * @param key the item key: sent as {@code Idempotency-Key} and used to find the runtime on the
 *     server
 * @param spaceId the space to create it in
 * @param request the body, with {@code metadata.provisionerKey == key}
 * @param line the manifest line it came from, or 0 when it came from no manifest
 */
public record Item(String key, String spaceId, CreateRuntimeRequest request, long line) {

  public Item {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(spaceId, "spaceId");
    Objects.requireNonNull(request, "request");
    if (!key.equals(request.provisionerKey())) {
      throw new IllegalArgumentException(
          "request metadata.provisionerKey must equal the item key \"" + key + "\"; build items with Item.of");
    }
  }

  /** An item whose body gets {@code metadata.provisionerKey = key}. */
  public static Item of(String key, String spaceId, CreateRuntimeRequest request) {
    return of(key, spaceId, request, 0);
  }

  /** An item from manifest line {@code line}, whose body gets {@code metadata.provisionerKey = key}. */
  public static Item of(String key, String spaceId, CreateRuntimeRequest request, long line) {
    return new Item(key, spaceId, request.withProvisionerKey(key), line);
  }

  /** The runtime name the body asks for, or {@code null}. */
  public String name() {
    return request.name();
  }
}
