package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * A runtime as the API returns it from create and list. Unknown fields are ignored; only what the
 * provisioner reads is modelled.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BrowserRuntime(
    String id,
    String name,
    String spaceId,
    RuntimeStatus status,
    String kind,
    String type,
    String region,
    String createdAt,
    String updatedAt,
    List<String> capabilities,
    Map<String, Object> metadata) {

  /** The {@code metadata.provisionerKey}, or {@code null}. */
  public String provisionerKey() {
    Object k = metadata == null ? null : metadata.get(CreateRuntimeRequest.PROVISIONER_KEY);
    return k instanceof String s ? s : null;
  }
}
