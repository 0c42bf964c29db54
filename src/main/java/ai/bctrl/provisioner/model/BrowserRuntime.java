package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * A runtime as the API returns it from create and list. Unknown fields are ignored; only what the
 * provisioner reads is modelled.
 *
 * @param id the runtime's id (a uuid)
 * @param name the runtime's name
 * @param spaceId the id of the space it belongs to (a uuid)
 * @param status whether it is running, stopped or failed
 * @param kind what it runs: {@code browser}, {@code desktop} or {@code spreadsheet}
 * @param type the runtime type; the same values as {@code kind}
 * @param region where it runs
 * @param createdAt when it was created, as the API writes it
 * @param updatedAt when it last changed, as the API writes it
 * @param capabilities what it can do, as the API names it
 * @param metadata the metadata given at create, {@code provisionerKey} included; or {@code null}
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

  /**
   * The item key the provisioner stamped into this runtime's metadata.
   *
   * @return {@code metadata.provisionerKey}, or {@code null} when absent or not a string
   */
  public String provisionerKey() {
    Object k = metadata == null ? null : metadata.get(CreateRuntimeRequest.PROVISIONER_KEY);
    return k instanceof String s ? s : null;
  }
}
