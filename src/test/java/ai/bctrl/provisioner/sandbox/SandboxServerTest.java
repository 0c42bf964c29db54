package ai.bctrl.provisioner.sandbox;

import static ai.bctrl.provisioner.sandbox.SandboxHttp.json;
import static ai.bctrl.provisioner.sandbox.SandboxHttp.post;
import static ai.bctrl.provisioner.sandbox.SandboxHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.sandbox.SandboxHttp.Raw;
import ai.bctrl.provisioner.sandbox.SandboxHttp.RawResponse;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SandboxServerTest {
  static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");
  static final String KEY = "test-key";

  private final List<SandboxServer> servers = new ArrayList<>();

  static SandboxConfig.Builder base() {
    return SandboxConfig.builder()
        .port(0)
        .apiKey(KEY)
        .latency(Duration.ZERO, Duration.ofMillis(2))
        .seed(42L)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  SandboxServer start(SandboxConfig.Builder b) {
    SandboxServer s = SandboxServer.start(b.build());
    servers.add(s);
    return s;
  }

  @AfterEach
  void stop() {
    servers.forEach(SandboxServer::close);
  }

  static String body(String key) {
    return "{\"type\":\"browser\",\"metadata\":{\"provisionerKey\":\"" + key + "\"}}";
  }

  @Test
  void createsARuntimeAndAnswersTheWholeObject() {
    SandboxServer s = start(base());
    HttpResponse<String> r =
        post(s, "space-1",
            "{\"type\":\"browser\",\"name\":\"shop-1\",\"profile\":\"prof-9\",\"extensionIds\":[\"e1\"],"
                + "\"metadata\":{\"provisionerKey\":\"k1\",\"team\":{\"a\":[1,2]}},"
                + "\"config\":{\"stealth\":\"high\",\"humanize\":true,\"humanizePersonaId\":7,\"solveCaptchas\":false,"
                + "\"fingerprint\":{\"browser\":\"edge\",\"locale\":\"de-DE\"},"
                + "\"proxy\":{\"mode\":\"custom\",\"host\":\"p.example\",\"port\":8080,\"protocol\":\"socks5\",\"username\":\"u\",\"password\":\"pw\"}}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-request-id")).get().asString().startsWith("req_");
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    JsonNode n = json(r);
    assertThat(UUID.fromString(n.get("id").stringValue()).version()).isEqualTo(4);
    assertThat(n.get("name").stringValue()).isEqualTo("shop-1");
    assertThat(n.get("spaceId").stringValue()).isEqualTo("space-1");
    assertThat(n.get("status").stringValue()).isEqualTo("active");
    assertThat(n.get("kind").stringValue()).isEqualTo("browser");
    assertThat(n.get("type").stringValue()).isEqualTo("browser");
    assertThat(n.get("backing").toString()).isEqualTo("{\"kind\":\"profile\",\"profile\":\"prof-9\"}");
    assertThat(n.get("connections").get("cdp").get("available").booleanValue()).isTrue();
    assertThat(n.get("capabilities").size()).isPositive();
    assertThat(n.get("region").stringValue()).isEqualTo("sandbox-local-1");
    assertThat(n.get("createdAt").stringValue()).isEqualTo("2026-01-02T03:04:05.678Z");
    assertThat(n.get("updatedAt").stringValue()).isEqualTo("2026-01-02T03:04:05.678Z");
    assertThat(n.get("metadata").toString()).isEqualTo("{\"provisionerKey\":\"k1\",\"team\":{\"a\":[1,2]}}");
    UUID.fromString(n.get("activeRunId").stringValue());
    assertThat(n.get("summary").get("browserRunning").booleanValue()).isTrue();
    assertThat(s.stats().createsByKey()).containsExactly(java.util.Map.entry("k1", 1));
    assertThat(s.stats().activeRuntimes()).isEqualTo(1);
  }

  @Test
  void writesTheRuntimesFieldsInTheApisOrder() {
    SandboxServer s = start(base());
    HttpResponse<String> r = post(s, "demo", "{\"type\":\"browser\",\"name\":\"hello\",\"metadata\":{\"provisionerKey\":\"hello\"}}");
    JsonNode n = json(r);
    assertThat(r.body().replace(n.get("id").stringValue(), "ID").replace(n.get("activeRunId").stringValue(), "RUN"))
        .isEqualTo("{\"id\":\"ID\",\"name\":\"hello\",\"spaceId\":\"demo\",\"status\":\"active\",\"kind\":\"browser\","
            + "\"type\":\"browser\",\"backing\":{\"kind\":\"ephemeral\"},\"connections\":{\"cdp\":{\"available\":true},"
            + "\"cua\":{\"available\":true},\"http\":{\"available\":true},\"mcp\":{\"available\":true},"
            + "\"rdp\":{\"available\":false},\"vnc\":{\"available\":true}},\"capabilities\":[\"cdp\",\"cua\",\"http\",\"mcp\",\"vnc\"],"
            + "\"region\":\"sandbox-local-1\",\"createdAt\":\"2026-01-02T03:04:05.678Z\",\"updatedAt\":\"2026-01-02T03:04:05.678Z\","
            + "\"metadata\":{\"provisionerKey\":\"hello\"},\"activeRunId\":\"RUN\",\"summary\":{\"browserRunning\":true,"
            + "\"currentDriver\":null,\"defaultContextId\":null,\"defaultPageId\":null,\"storageSpace\":null}}");
  }

  @Test
  void generatesANameAndAnEphemeralBackingWhenTheBodyGivesNone() {
    SandboxServer s = start(base());
    JsonNode n = json(post(s, "sp", "{\"type\":\"browser\"}"));
    assertThat(n.get("name").stringValue()).isEqualTo("runtime-" + n.get("id").stringValue().substring(0, 8));
    assertThat(n.get("backing").toString()).isEqualTo("{\"kind\":\"ephemeral\"}");
    assertThat(n.get("metadata").isNull()).isTrue();
    assertThat(s.stats().createsByKey()).isEmpty();
    assertThat(s.stats().runtimes()).isEqualTo(1);
  }

  @Test
  void servesSeveralRequestsOnOneKeptAliveConnection() throws Exception {
    SandboxServer s = start(base());
    try (Raw c = new Raw(s)) {
      c.write("POST", "/v1/spaces/a/runtimes", "Bearer " + KEY, body("k1"));
      RawResponse first = c.read();
      c.write("POST", "/v1/spaces/a/runtimes", "Bearer wrong", body("k2"));
      RawResponse second = c.read();
      c.write("POST", "/v1/spaces/a/runtimes", "Bearer " + KEY, "{\"type\":1}");
      RawResponse third = c.read();
      c.write("GET", "/v1/spaces/a/runtimes", "Bearer " + KEY, null);
      RawResponse fourth = c.read();
      assertThat(List.of(first.status(), second.status(), third.status(), fourth.status()))
          .containsExactly(200, 401, 400, 200);
      assertThat(fourth.complete()).isTrue();
      assertThat(SandboxHttp.JSON.readTree(fourth.body()).get("data").size()).isEqualTo(1);
    }
    assertThat(s.stats().requestsByStatus()).containsEntry(200, 2L).containsEntry(401, 1L).containsEntry(400, 1L);
  }

  @Test
  void aRequestAnsweredWithoutReadingItsEmptyBodyDoesNotStallTheNextOnTheConnection() throws Exception {
    // The stop arrives while the create is in its latency, so Reactor Netty queues it (with its
    // empty body) until the create is answered. Answered before that queued body was read, it left
    // the connection reading nothing more: the GET after it was never answered.
    SandboxServer s = start(base().latency(Duration.ofMillis(20), Duration.ofMillis(20)));
    try (Raw c = new Raw(s)) {
      c.socket.setSoTimeout(10_000);
      for (int i = 0; i < 3; i++) {
        c.write("POST", "/v1/spaces/a/runtimes", "Bearer " + KEY, body("k"));
        c.write("POST", "/v1/runtimes/nope/stop", "Bearer " + KEY, null);
        assertThat(c.read().status()).as("round %d", i).isEqualTo(200);
        assertThat(c.read().status()).as("round %d", i).isEqualTo(404);
        c.write("GET", "/v1/spaces/a/runtimes?limit=1", "Bearer " + KEY, null);
        assertThat(c.read().status()).as("round %d", i).isEqualTo(200);
      }
    }
  }

  @Test
  void aPooledReactorNettyClientReusesOneConnectionForEveryRequest() {
    SandboxServer s = start(base());
    java.util.Set<Object> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
    reactor.netty.resources.ConnectionProvider pool = reactor.netty.resources.ConnectionProvider.create("keep-alive-test", 1);
    try {
      reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.create(pool)
          .baseUrl(s.baseUrl().toString())
          .headers(h -> h.set("Authorization", "Bearer " + KEY).set("Content-Type", "application/json"))
          .doOnConnected(c -> connections.add(c.channel().id()));
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String b = i == 2 ? "{\"type\":\"nope\"}" : body("k" + i);
        statuses.add(client.post().uri("/v1/spaces/a/runtimes")
            .send(reactor.netty.ByteBufFlux.fromString(reactor.core.publisher.Mono.just(b)))
            .responseSingle((r, bytes) -> bytes.asString().thenReturn(r.status().code()))
            .block(Duration.ofSeconds(5)));
      }
      statuses.add(client.get().uri("/v1/spaces/a/runtimes")
          .responseSingle((r, bytes) -> bytes.asString().thenReturn(r.status().code())).block(Duration.ofSeconds(5)));
      assertThat(statuses).containsExactly(200, 200, 400, 200, 200, 200);
      assertThat(connections).hasSize(1);
    } finally {
      pool.disposeLater().block(Duration.ofSeconds(5));
    }
  }

  @Test
  void rejectsAMissingOrWrongKeyWith401OnCreateAndList() {
    SandboxServer s = start(base());
    for (String auth : List.of("", "Bearer nope", "Basic " + KEY, KEY, "bearer " + KEY)) {
      HttpResponse<String> r = post(s, "a", body("k"), "Authorization", auth);
      assertThat(r.statusCode()).as(auth).isEqualTo(401);
      JsonNode n = json(r);
      assertThat(n.get("code").stringValue()).isEqualTo("auth.unauthorized");
      assertThat(n.get("reasonClass").stringValue()).isEqualTo("unauthorized");
      assertThat(n.get("requestId").stringValue()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
      assertThat(r.body()).doesNotContain(KEY);
    }
    assertThat(get(s, "/v1/spaces/a/runtimes", "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
    assertThat(s.stats().runtimes()).isZero();
  }

  @Test
  void listsEveryRuntimeOfASpaceInPagesJoinedByNextCursor() {
    SandboxServer s = start(base().pageSize(2));
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(json(post(s, "a", body("k" + i))).get("id").stringValue());
    }
    post(s, "b", body("other"));
    List<String> listed = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = json(get(s, "/v1/spaces/a/runtimes" + (cursor == null ? "" : "?cursor=" + cursor)));
      sizes.add(page.get("data").size());
      page.get("data").forEach(r -> {
        listed.add(r.get("id").stringValue());
        assertThat(r.get("metadata").get("provisionerKey").stringValue()).startsWith("k");
      });
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").stringValue();
    } while (cursor != null);
    assertThat(sizes).containsExactly(2, 2, 1);
    assertThat(listed).isEqualTo(created);

    JsonNode limited = json(get(s, "/v1/spaces/a/runtimes?limit=4"));
    assertThat(limited.get("data").size()).isEqualTo(4);
    assertThat(limited.get("nextCursor").isString()).isTrue();
    assertThat(json(get(s, "/v1/spaces/empty/runtimes")).toString()).isEqualTo("{\"data\":[],\"nextCursor\":null}");

    HttpResponse<String> bad = get(s, "/v1/spaces/a/runtimes?limit=0&cursor=zz");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).get("details").toString())
        .isEqualTo("[{\"path\":\"limit\",\"message\":\"must be an integer in 1..1000, got \\\"0\\\"\"},"
            + "{\"path\":\"cursor\",\"message\":\"is not a cursor this sandbox gave out\"}]");
    assertThat(s.stats().listRequests()).isEqualTo(6);
  }

  @Test
  void aCursorStaysValidWhenRuntimesAreDeletedOrAddedMeanwhile() {
    SandboxServer s = start(base());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(json(post(s, "a", body("k" + i))).get("id").stringValue());
    }
    JsonNode first = json(get(s, "/v1/spaces/a/runtimes?limit=1"));
    assertThat(first.get("data").get(0).get("id").stringValue()).isEqualTo(ids.get(0));
    assertThat(s.deleteRuntime("a", ids.get(1))).isTrue();
    ids.add(json(post(s, "a", body("k3"))).get("id").stringValue());
    JsonNode rest = json(get(s, "/v1/spaces/a/runtimes?limit=10&cursor=" + first.get("nextCursor").stringValue()));
    List<String> restIds = new ArrayList<>();
    rest.get("data").forEach(r -> restIds.add(r.get("id").stringValue()));
    assertThat(restIds).containsExactly(ids.get(2), ids.get(3));
    assertThat(rest.get("nextCursor").isNull()).isTrue();
    assertThat(s.deleteRuntime("a", ids.get(1))).isFalse();
  }

  @Test
  void servesTheStatsAsJsonWithoutAuth() {
    SandboxServer s = start(base());
    post(s, "a", body("k1"));
    post(s, "a", body("k1"));
    post(s, "a", body("k2"), "Authorization", "Bearer wrong");
    HttpResponse<String> r = SandboxHttp.send(s, "GET", "/__sandbox/stats", null, Duration.ofSeconds(5));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode n = json(r);
    assertThat(n.get("createsByKey").toString()).isEqualTo("{\"k1\":2}");
    assertThat(n.get("duplicates").intValue()).isEqualTo(1);
    assertThat(n.get("requestsByStatus").toString()).isEqualTo("{\"200\":2,\"401\":1}");
    assertThat(n.get("createRequests").longValue()).isEqualTo(3);
    assertThat(n.get("createStartNanos").size()).isEqualTo(3);
    assertThat(n.get("faults").get("reset-after").longValue()).isZero();
    assertThat(n.get("runtimes").intValue()).isEqualTo(2);
    assertThat(s.stats().duplicates()).isEqualTo(1);
    JsonNode lean = json(SandboxHttp.send(s, "GET", "/__sandbox/stats?createStartNanos=false", null, Duration.ofSeconds(5)));
    assertThat(lean.has("createStartNanos")).isFalse();
    assertThat(lean.get("createRequests").longValue()).isEqualTo(3);
  }

  @Test
  void answersUnknownRoutesWith404AndOtherMethodsWith405() {
    SandboxServer s = start(base());
    HttpResponse<String> r = get(s, "/v1/spaces/a/b/runtimes");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("code").stringValue()).isEqualTo("route.not_found");
    HttpResponse<String> other = SandboxHttp.send(s, "DELETE", "/v1/spaces/a/runtimes", null, Duration.ofSeconds(5));
    assertThat(other.statusCode()).isEqualTo(405);
    assertThat(other.headers().firstValue("allow")).contains("GET, POST");
    assertThat(json(other).get("code").stringValue()).isEqualTo("request.method_not_allowed");
  }

  @Test
  void withNoListTheListRouteAnswers405AllowPostAndEverythingElseStillWorks() {
    SandboxServer s = start(base().noList(true));
    String id = json(post(s, "a", body("k1"))).get("id").stringValue();
    for (String auth : List.of("Bearer " + KEY, "Bearer wrong")) {
      HttpResponse<String> r = get(s, "/v1/spaces/a/runtimes", "Authorization", auth);
      assertThat(r.statusCode()).isEqualTo(405);
      assertThat(r.headers().firstValue("allow")).contains("POST");
      JsonNode n = json(r);
      assertThat(n.get("code").stringValue()).isEqualTo("request.method_not_allowed");
      assertThat(n.get("reasonClass").stringValue()).isEqualTo("invalid_input");
      assertThat(n.get("error").stringValue()).isEqualTo("Method not allowed; allowed: POST");
      assertThat(n.get("hint").stringValue()).contains("--no-list");
      assertThat(n.get("requestId").stringValue()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
    }
    HttpResponse<String> put = SandboxHttp.send(s, "PUT", "/v1/spaces/a/runtimes", "{}", Duration.ofSeconds(5));
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(put.headers().firstValue("allow")).contains("POST");
    assertThat(post(s, "a", body("k2")).statusCode()).isEqualTo(200);
    assertThat(SandboxHttp.stop(s, id).statusCode()).isEqualTo(200);
    assertThat(SandboxHttp.delete(s, id).statusCode()).isEqualTo(200);
    assertThat(s.stats().listRequests()).isEqualTo(2);
    assertThat(s.stats().requests(405)).isEqualTo(3);
    assertThat(s.banner()).contains(", no list route");

    s.reconfigure(s.config().toBuilder().noList(false).build());
    assertThat(json(get(s, "/v1/spaces/a/runtimes")).get("data")).hasSize(1);
  }
}
