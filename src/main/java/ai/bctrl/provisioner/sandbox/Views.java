package ai.bctrl.provisioner.sandbox;

import ai.bctrl.provisioner.sandbox.RuntimeStore.StoredRuntime;
import ai.bctrl.provisioner.sandbox.SchemaValidator.Problem;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The JSON the sandbox answers with, as records that Jackson writes in declaration order (the
 * order the real API uses). A {@code null} component is written as {@code null} unless it is marked
 * as left out.
 */
final class Views {
  private static final Availability UP = new Availability(true);
  private static final Availability DOWN = new Availability(false);
  private static final List<String> CAPABILITIES = List.of("cdp", "cua", "http", "mcp", "vnc");

  private Views() {}

  /** A runtime as create and list return it. */
  record RuntimeView(
      String id,
      String name,
      String spaceId,
      String status,
      String kind,
      String type,
      Backing backing,
      Connections connections,
      List<String> capabilities,
      String region,
      String createdAt,
      String updatedAt,
      JsonNode metadata,
      String activeRunId,
      Summary summary) {}

  record Backing(String kind, @JsonInclude(JsonInclude.Include.NON_NULL) String profile) {}

  record Connections(
      Availability cdp, Availability cua, Availability http, Availability mcp, Availability rdp, Availability vnc) {}

  record Availability(boolean available) {}

  record Summary(
      boolean browserRunning, Object currentDriver, Object defaultContextId, Object defaultPageId, Object storageSpace) {}

  /** One listing page; {@code nextCursor} is {@code null} on the last. */
  record Page(List<RuntimeView> data, String nextCursor) {}

  /** The API's error body. */
  record ErrorBody(
      String error,
      String code,
      String reasonClass,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<Problem> details,
      @JsonInclude(JsonInclude.Include.NON_NULL) String hint,
      String requestId) {}

  /** A stop's 200. */
  record Stopped(String runtimeId, String runId, String status, boolean stopped) {}

  /** A delete's 200. */
  record Deleted(boolean deleted, String id) {}

  static RuntimeView runtime(StoredRuntime r) {
    boolean up = r.status() == RuntimeStatus.ACTIVE;
    Availability a = up ? UP : DOWN;
    return new RuntimeView(
        r.id(),
        r.name(),
        r.spaceId(),
        r.status().wire(),
        "browser",
        "browser",
        r.profile() != null ? new Backing("profile", r.profile()) : new Backing("ephemeral", null),
        new Connections(a, a, a, a, DOWN, a),
        up ? CAPABILITIES : List.of(),
        "sandbox-local-1",
        r.createdAt(),
        r.updatedAt(),
        r.metadata(),
        r.activeRunId(),
        new Summary(up, null, null, null, null));
  }
}
