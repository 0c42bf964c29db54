package ai.bctrl.provisioner.sandbox;

import static ai.bctrl.provisioner.sandbox.SandboxBehaviourTest.eventually;
import static ai.bctrl.provisioner.sandbox.SandboxHttp.delete;
import static ai.bctrl.provisioner.sandbox.SandboxHttp.json;
import static ai.bctrl.provisioner.sandbox.SandboxHttp.post;
import static ai.bctrl.provisioner.sandbox.SandboxHttp.stop;
import static ai.bctrl.provisioner.sandbox.SandboxServerTest.KEY;
import static ai.bctrl.provisioner.sandbox.SandboxServerTest.base;
import static ai.bctrl.provisioner.sandbox.SandboxServerTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.sandbox.SandboxHttp.Raw;
import ai.bctrl.provisioner.sandbox.SandboxHttp.RawResponse;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;

/** Stop and delete over real HTTP: answers, state, quota, faults, rate limit, auth and stats. */
class SandboxTeardownTest {
  private final List<SandboxServer> servers = new ArrayList<>();

  SandboxServer start(SandboxConfig.Builder b) {
    SandboxServer s = SandboxServer.start(b.build());
    servers.add(s);
    return s;
  }

  @AfterEach
  void close() {
    servers.forEach(SandboxServer::close);
  }

  static String create(SandboxServer s, String key) {
    HttpResponse<String> r = post(s, "a", body(key));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r).get("id").stringValue();
  }

  static List<String> listed(SandboxServer s) {
    List<String> out = new ArrayList<>();
    json(SandboxHttp.get(s, "/v1/spaces/a/runtimes")).get("data")
        .forEach(r -> out.add(r.get("id").stringValue() + "/" + r.get("status").stringValue()));
    return out;
  }

  /** Asserts an API error body: status, code, reason class, and the request id of the header. */
  static JsonNode assertError(HttpResponse<String> r, int status, String code, String reasonClass) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode n = json(r);
    assertThat(n.get("code").stringValue()).isEqualTo(code);
    assertThat(n.get("reasonClass").stringValue()).isEqualTo(reasonClass);
    assertThat(n.get("error").stringValue()).isNotBlank();
    assertThat(n.get("requestId").stringValue()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
    return n;
  }

  @Test
  void stopThenDeleteAnswersTheApisBodiesAndTheRuntimeIsGone() {
    SandboxServer s = start(base());
    String id = create(s, "k1");

    HttpResponse<String> stopped = stop(s, id);
    assertThat(stopped.statusCode()).isEqualTo(200);
    assertThat(stopped.headers().firstValue("content-type")).contains("application/json");
    assertThat(stopped.body()).isEqualTo("{\"runtimeId\":\"" + id + "\",\"runId\":null,\"status\":\"stopped\",\"stopped\":true}");
    JsonNode listedStopped = json(SandboxHttp.get(s, "/v1/spaces/a/runtimes")).get("data").get(0);
    assertThat(listedStopped.get("status").stringValue()).isEqualTo("stopped");
    assertThat(listedStopped.get("activeRunId").isNull()).isTrue();
    assertThat(listedStopped.get("summary").get("browserRunning").booleanValue()).isFalse();
    assertThat(s.stats().activeRuntimes()).isZero();

    HttpResponse<String> deleted = delete(s, id);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body()).isEqualTo("{\"deleted\":true,\"id\":\"" + id + "\"}");
    assertThat(listed(s)).isEmpty();
    assertThat(s.stats().runtimes()).isZero();
  }

  @Test
  void aSecondStopAnswers409NotActive() {
    SandboxServer s = start(base());
    String id = create(s, "k1");
    assertThat(stop(s, id).statusCode()).isEqualTo(200);
    JsonNode n = assertError(stop(s, id), 409, "runtime.not_active", "conflict");
    assertThat(n.get("error").stringValue()).isEqualTo("Runtime " + id + " is not active (status stopped)");
    assertThat(s.stats().stopsByRuntime()).containsExactly(Map.entry(id, 1));
  }

  @Test
  void deletingAnActiveRuntimeAnswers409NotStoppedAndKeepsIt() {
    SandboxServer s = start(base());
    String id = create(s, "k1");
    assertError(delete(s, id), 409, "runtime.not_stopped", "conflict");
    assertThat(listed(s)).containsExactly(id + "/active");
    assertThat(s.stats().deletesByRuntime()).isEmpty();
  }

  @Test
  void aSecondDeleteAndAnyCallOnAnUnknownRuntimeAnswer404() {
    SandboxServer s = start(base());
    String id = create(s, "k1");
    stop(s, id);
    assertThat(delete(s, id).statusCode()).isEqualTo(200);
    assertError(delete(s, id), 404, "runtime.not_found", "not_found");
    assertError(stop(s, id), 404, "runtime.not_found", "not_found");
    assertError(stop(s, "no-such-runtime"), 404, "runtime.not_found", "not_found");
    assertError(delete(s, "no-such-runtime"), 404, "runtime.not_found", "not_found");
    assertThat(s.stats().deletesByRuntime()).containsExactly(Map.entry(id, 1));
  }

  @Test
  void aDeletedRuntimeIsGoneFromTheListingWhileOtherRuntimesStay() {
    SandboxServer s = start(base());
    String mine = create(s, "tonight:web");
    String other = create(s, "last-night:web");
    stop(s, mine);
    delete(s, mine);
    assertThat(listed(s)).containsExactly(other + "/active");
    assertThat(s.stats().createsByKey()).containsOnlyKeys("tonight:web", "last-night:web");
  }

  @Test
  void aFailedRuntimeCannotBeStoppedButCanBeDeleted() {
    SandboxServer s = start(base().faults(Map.of(FaultKind.FAILED, 1.0)));
    String id = create(s, "k1");
    JsonNode n = assertError(stop(s, id), 409, "runtime.not_active", "conflict");
    assertThat(n.get("error").stringValue()).endsWith("(status failed)");
    assertThat(delete(s, id).statusCode()).isEqualTo(200);
    assertThat(listed(s)).isEmpty();
  }

  @Test
  void aStopFreesItsQuotaSlot() {
    SandboxServer s = start(base().maxActive(1));
    String first = create(s, "k1");
    assertThat(post(s, "a", body("k2")).statusCode()).isEqualTo(402);
    assertThat(stop(s, first).statusCode()).isEqualTo(200);
    assertThat(post(s, "a", body("k2")).statusCode()).isEqualTo(200);
    assertThat(s.stats().activeRuntimes()).isEqualTo(1);
  }

  @Test
  void aWrongKeyGets401AndChangesNothing() {
    SandboxServer s = start(base());
    String id = create(s, "k1");
    assertError(stop(s, id, "Authorization", "Bearer nope"), 401, "auth.unauthorized", "unauthorized");
    stop(s, id);
    assertError(delete(s, id, "Authorization", ""), 401, "auth.unauthorized", "unauthorized");
    assertThat(listed(s)).containsExactly(id + "/stopped");
    assertThat(s.stats().stopRequests()).isEqualTo(2);
    assertThat(s.stats().deleteRequests()).isEqualTo(1);
  }

  @Test
  void theRateLimitCountsStopsAndDeletesWithCreates() {
    AtomicLong nanos = new AtomicLong();
    SandboxServer s = start(base().rate(0.25, 1).nanoTime(nanos::get));
    String id = create(s, "k1");
    HttpResponse<String> limited = stop(s, id);
    assertError(limited, 429, "rate_limited", "rate_limited");
    assertThat(limited.headers().firstValue("retry-after")).contains("4");
    assertThat(json(limited).get("error").stringValue())
        .isEqualTo("Rate limit exceeded: at most 0.25 creates, stops and deletes per second (burst 1)");
    assertThat(listed(s)).containsExactly(id + "/active");
    nanos.addAndGet(4_000_000_000L);
    assertThat(stop(s, id).statusCode()).isEqualTo(200);
    assertThat(delete(s, id).statusCode()).isEqualTo(429);
    nanos.addAndGet(4_000_000_000L);
    assertThat(delete(s, id).statusCode()).isEqualTo(200);
  }

  @Test
  void a503FaultAnswersWithoutStoppingOrDeleting() {
    SandboxServer s = start(base());
    String id = create(s, "k1");
    s.reconfigure(s.config().toBuilder().faults(Map.of(FaultKind.HTTP_503, 1.0)).build());
    assertError(stop(s, id), 503, "runtime.host_unavailable", "upstream");
    assertThat(listed(s)).containsExactly(id + "/active");
    s.stopAll();
    assertError(delete(s, id), 503, "runtime.host_unavailable", "upstream");
    assertThat(listed(s)).containsExactly(id + "/stopped");
    assertThat(s.stats().stopFaults()).containsEntry(FaultKind.HTTP_503, 1L);
    assertThat(s.stats().deleteFaults()).containsEntry(FaultKind.HTTP_503, 1L);
    assertThat(s.stats().faults(FaultKind.HTTP_503)).as("creates hit").isZero();
    assertThat(s.stats().stopsByRuntime()).isEmpty();
    assertThat(s.stats().deletesByRuntime()).isEmpty();
  }

  @Test
  void the429500502AndResetBeforeFaultsChangeNothingEither() throws Exception {
    SandboxServer s = start(base());
    String id = create(s, "k1");
    s.reconfigure(s.config().toBuilder().faults(Map.of(FaultKind.HTTP_429, 1.0)).build());
    HttpResponse<String> r429 = stop(s, id);
    assertError(r429, 429, "rate_limited", "rate_limited");
    assertThat(r429.headers().firstValue("retry-after")).contains("1");
    s.reconfigure(s.config().toBuilder().faults(Map.of(FaultKind.HTTP_500, 1.0)).build());
    assertError(stop(s, id), 500, "internal.error", "server");
    s.reconfigure(s.config().toBuilder().faults(Map.of(FaultKind.HTTP_502, 1.0)).build());
    assertThat(stop(s, id).body()).startsWith("<html>");
    s.reconfigure(s.config().toBuilder().faults(Map.of(FaultKind.RESET_BEFORE, 1.0)).build());
    assertThat(rawCall(s, "POST", "/v1/runtimes/" + id + "/stop")).isNull();
    assertThat(listed(s)).containsExactly(id + "/active");
    assertThat(s.stats().stopFaults()).containsEntry(FaultKind.HTTP_429, 1L).containsEntry(FaultKind.HTTP_500, 1L)
        .containsEntry(FaultKind.HTTP_502, 1L).containsEntry(FaultKind.RESET_BEFORE, 1L);
    assertThat(s.stats().requests(0)).isEqualTo(1);
  }

  static RawResponse rawCall(SandboxServer s, String method, String path) throws Exception {
    try (Raw c = new Raw(s)) {
      c.write(method, path, "Bearer " + KEY, null);
      return c.read();
    }
  }

  @Test
  void resetAfterStopsOrDeletesThenDropsTheConnection() throws Exception {
    SandboxServer s = start(base());
    String id = create(s, "k1");
    s.reconfigure(s.config().toBuilder().faults(Map.of(FaultKind.RESET_AFTER, 1.0)).build());
    assertThat(rawCall(s, "POST", "/v1/runtimes/" + id + "/stop")).isNull();
    assertThat(listed(s)).containsExactly(id + "/stopped");
    assertThat(rawCall(s, "DELETE", "/v1/runtimes/" + id)).isNull();
    assertThat(listed(s)).isEmpty();
    // nothing to change: answered as usual, not dropped
    assertThat(rawCall(s, "DELETE", "/v1/runtimes/" + id).status()).isEqualTo(404);
    SandboxStats st = s.stats();
    assertThat(st.stopsByRuntime()).containsExactly(Map.entry(id, 1));
    assertThat(st.deletesByRuntime()).containsExactly(Map.entry(id, 1));
    assertThat(st.stopFaults()).containsEntry(FaultKind.RESET_AFTER, 1L);
    assertThat(st.deleteFaults()).containsEntry(FaultKind.RESET_AFTER, 1L);
    assertThat(st.requests(0)).isEqualTo(2);
  }

  @Test
  void truncateDeletesAndCutsTheBodyShortOfItsContentLength() throws Exception {
    SandboxServer s = start(base());
    String id = create(s, "k1");
    s.stopAll();
    s.reconfigure(s.config().toBuilder().faults(Map.of(FaultKind.TRUNCATE, 1.0)).build());
    RawResponse r = rawCall(s, "DELETE", "/v1/runtimes/" + id);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.complete()).isFalse();
    assertThat(r.body().length).isEqualTo(Integer.parseInt(r.headers().get("content-length")) / 2);
    assertThat(listed(s)).isEmpty();
    assertThat(s.stats().deleteFaults()).containsEntry(FaultKind.TRUNCATE, 1L);
  }

  @Test
  void failedIsNoFaultForStopOrDelete() {
    SandboxServer s = start(base());
    String id = create(s, "k1");
    s.reconfigure(s.config().toBuilder().faults(Map.of(FaultKind.FAILED, 1.0)).build());
    assertThat(stop(s, id).statusCode()).isEqualTo(200);
    assertThat(delete(s, id).statusCode()).isEqualTo(200);
    assertThat(s.stats().stopFaults().values()).containsOnly(0L);
    assertThat(s.stats().deleteFaults().values()).containsOnly(0L);
  }

  @Test
  void aHeldStopIsAppliedAfterTheHoldEvenWhenItsClientLeft() throws Exception {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    try {
      SandboxServer s = start(base().latency(Duration.ZERO, Duration.ZERO).scheduler(vts));
      String left = create(s, "k1");
      String stayed = create(s, "k2");
      s.reconfigure(s.config().toBuilder().faults(Map.of(FaultKind.HOLD, 1.0)).hold(Duration.ofSeconds(30)).build());
      Raw leaving = new Raw(s);
      leaving.write("POST", "/v1/runtimes/" + left + "/stop", "Bearer " + KEY, null);
      eventually(() -> s.pendingCreates() == 1);
      leaving.close();
      try (Raw staying = new Raw(s)) {
        staying.write("DELETE", "/v1/runtimes/" + stayed, "Bearer " + KEY, null);
        eventually(() -> s.pendingCreates() == 2);
        s.reconfigure(s.config().toBuilder().faults(Map.of()).build());
        assertThat(listed(s)).containsExactly(left + "/active", stayed + "/active");

        vts.advanceTimeBy(Duration.ofSeconds(30));

        assertThat(s.pendingCreates()).isZero();
        assertThat(listed(s)).containsExactly(left + "/stopped", stayed + "/active");
        RawResponse r = staying.read();
        assertThat(r.status()).as("held, then found active").isEqualTo(409);
      }
      assertThat(s.stats().stopsByRuntime()).containsExactly(Map.entry(left, 1));
      assertThat(s.stats().stopFaults()).containsEntry(FaultKind.HOLD, 1L);
      assertThat(s.stats().deleteFaults()).containsEntry(FaultKind.HOLD, 1L);
    } finally {
      vts.dispose();
    }
  }

  @Test
  void ofManyConcurrentDeletesOfOneRuntimeExactlyOneSucceeds() {
    SandboxServer s = start(base());
    String id = create(s, "k1");
    stop(s, id);
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      calls.add(CompletableFuture.supplyAsync(() -> delete(s, id)));
    }
    List<Integer> statuses = calls.stream().map(c -> c.join().statusCode()).toList();
    assertThat(statuses).containsOnly(200, 404).filteredOn(st -> st == 200).hasSize(1);
    assertThat(s.stats().deletesByRuntime()).containsExactly(Map.entry(id, 1));
    assertThat(s.stats().deletes()).isEqualTo(1);
  }

  @Test
  void theStatsCountStopsAndDeletesPerRuntimeInSortedOrder() {
    SandboxServer s = start(base());
    String a = create(s, "k1");
    String b = create(s, "k2");
    String c = create(s, "k3");
    for (String id : List.of(c, a, b)) {
      stop(s, id);
    }
    stop(s, a);
    delete(s, b);
    delete(s, a);
    delete(s, a);
    SandboxStats st = s.stats();
    assertThat(st.stopsByRuntime()).containsOnlyKeys(a, b, c).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(st.deletesByRuntime()).containsOnlyKeys(a, b);
    assertThat(st.stops()).isEqualTo(3);
    assertThat(st.deletes()).isEqualTo(2);
    assertThat(st.stopRequests()).isEqualTo(4);
    assertThat(st.deleteRequests()).isEqualTo(3);
    assertThat(st.requestsByStatus()).isEqualTo(Map.of(200, 8L, 409, 1L, 404, 1L));

    JsonNode n = json(SandboxHttp.send(s, "GET", "/__sandbox/stats?createStartNanos=false", null, Duration.ofSeconds(5)));
    List<String> sorted = new ArrayList<>(List.of(a, b, c));
    sorted.sort(null);
    List<String> keys = new ArrayList<>();
    n.get("stopsByRuntime").propertyNames().forEach(keys::add);
    assertThat(keys).isEqualTo(sorted);
    assertThat(n.get("deletesByRuntime").size()).isEqualTo(2);
    assertThat(n.get("stops").longValue()).isEqualTo(3);
    assertThat(n.get("deletes").longValue()).isEqualTo(2);
    assertThat(n.get("stopRequests").longValue()).isEqualTo(4);
    assertThat(n.get("deleteRequests").longValue()).isEqualTo(3);
    assertThat(n.get("stopFaults").get("reset-after").longValue()).isZero();
    assertThat(n.get("deleteFaults").size()).isEqualTo(FaultKind.values().length);
  }

  @Test
  void otherMethodsOnTheRuntimeRoutesAnswer405AndUnknownRoutes404() {
    SandboxServer s = start(base());
    assertError(SandboxHttp.get(s, "/v1/runtimes/x"), 405, "request.method_not_allowed", "invalid_input");
    assertError(SandboxHttp.get(s, "/v1/runtimes/x/stop"), 405, "request.method_not_allowed", "invalid_input");
    assertError(SandboxHttp.send(s, "POST", "/v1/runtimes/x/start", "{}", Duration.ofSeconds(5)), 404,
        "route.not_found", "not_found");
  }
}
