package ai.bctrl.provisioner.sandbox;

import static ai.bctrl.provisioner.sandbox.SandboxHttp.json;
import static ai.bctrl.provisioner.sandbox.SandboxHttp.post;
import static ai.bctrl.provisioner.sandbox.SandboxServerTest.KEY;
import static ai.bctrl.provisioner.sandbox.SandboxServerTest.base;
import static ai.bctrl.provisioner.sandbox.SandboxServerTest.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bctrl.provisioner.sandbox.SandboxHttp.Raw;
import ai.bctrl.provisioner.sandbox.SandboxHttp.RawResponse;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;

class SandboxBehaviourTest {
  private final List<SandboxServer> servers = new ArrayList<>();

  SandboxServer start(SandboxConfig.Builder b) {
    SandboxServer s = SandboxServer.start(b.build());
    servers.add(s);
    return s;
  }

  SandboxServer withFault(FaultKind kind) {
    return start(base().faults(Map.of(kind, 1.0)).hold(Duration.ofMillis(50)));
  }

  @AfterEach
  void stop() {
    servers.forEach(SandboxServer::close);
  }

  /** Waits (bounded) for something another thread will make true; fails after 5 s. */
  static void eventually(BooleanSupplier condition) {
    Flux.interval(Duration.ZERO, Duration.ofMillis(10))
        .filter(t -> condition.getAsBoolean())
        .blockFirst(Duration.ofSeconds(5));
  }

  static RawResponse rawPost(SandboxServer s, String body) throws Exception {
    try (Raw c = new Raw(s)) {
      c.write("POST", "/v1/spaces/a/runtimes", "Bearer " + KEY, body);
      return c.read();
    }
  }

  @Test
  void fault503AnswersHostUnavailableAndCreatesNothing() {
    SandboxServer s = withFault(FaultKind.HTTP_503);
    HttpResponse<String> r = post(s, "a", body("k"));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).get("code").stringValue()).isEqualTo("runtime.host_unavailable");
    assertThat(json(r).get("reasonClass").stringValue()).isEqualTo("upstream");
    assertThat(s.stats().faults(FaultKind.HTTP_503)).isEqualTo(1);
    assertThat(s.stats().runtimes()).isZero();
  }

  @Test
  void fault500AnswersAServerErrorAndCreatesNothing() {
    SandboxServer s = withFault(FaultKind.HTTP_500);
    HttpResponse<String> r = post(s, "a", body("k"));
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(json(r).get("reasonClass").stringValue()).isEqualTo("server");
    assertThat(s.stats().faults(FaultKind.HTTP_500)).isEqualTo(1);
    assertThat(s.stats().runtimes()).isZero();
  }

  @Test
  void fault502AnswersAnHtmlPageAndCreatesNothing() {
    SandboxServer s = withFault(FaultKind.HTTP_502);
    HttpResponse<String> r = post(s, "a", body("k"));
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("content-type")).contains("text/html");
    assertThat(r.body()).startsWith("<html>").contains("502 Bad Gateway");
    assertThat(s.stats().faults(FaultKind.HTTP_502)).isEqualTo(1);
    assertThat(s.stats().runtimes()).isZero();
  }

  @Test
  void fault429AnswersRateLimitedWithRetryAfterAndCreatesNothing() {
    SandboxServer s = withFault(FaultKind.HTTP_429);
    HttpResponse<String> r = post(s, "a", body("k"));
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).contains("1");
    assertThat(json(r).get("code").stringValue()).isEqualTo("rate_limited");
    assertThat(s.stats().faults(FaultKind.HTTP_429)).isEqualTo(1);
    assertThat(s.stats().runtimes()).isZero();
  }

  @Test
  void resetBeforeDropsTheConnectionAndCreatesNothing() throws Exception {
    SandboxServer s = withFault(FaultKind.RESET_BEFORE);
    assertThat(rawPost(s, body("k"))).isNull();
    assertThatThrownBy(() -> post(s, "a", body("k"))).isInstanceOf(UncheckedIOException.class);
    eventually(() -> s.stats().inFlight() == 0);
    assertThat(s.stats().faults(FaultKind.RESET_BEFORE)).isEqualTo(2);
    assertThat(s.stats().requests(0)).isEqualTo(2);
    assertThat(s.stats().runtimes()).isZero();
  }

  @Test
  void resetAfterCreatesTheRuntimeThenDropsTheConnection() throws Exception {
    SandboxServer s = withFault(FaultKind.RESET_AFTER);
    assertThat(rawPost(s, body("k1"))).isNull();
    eventually(() -> s.stats().inFlight() == 0);
    assertThat(s.stats().faults(FaultKind.RESET_AFTER)).isEqualTo(1);
    assertThat(s.stats().createsByKey()).containsExactly(Map.entry("k1", 1));
    s.reconfigure(base().build());
    JsonNode listed = json(SandboxHttp.get(s, "/v1/spaces/a/runtimes"));
    assertThat(listed.get("data").get(0).get("metadata").get("provisionerKey").stringValue()).isEqualTo("k1");
  }

  @Test
  void holdKeepsTheRequestThenCreatesEvenAfterTheClientGaveUp() throws Exception {
    // the client leaves once the server has the request (not on a client timeout, which under load
    // can fire before the request is even sent); the hold is timed on virtual time
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    try {
      SandboxServer s = start(base().latency(Duration.ZERO, Duration.ZERO).scheduler(vts)
          .faults(Map.of(FaultKind.HOLD, 1.0)).hold(Duration.ofSeconds(1)));
      Raw c = new Raw(s);
      c.write("POST", "/v1/spaces/a/runtimes", "Bearer " + KEY, body("gave-up"));
      eventually(() -> s.stats().faults(FaultKind.HOLD) == 1);
      leave(s, c);
      vts.advanceTimeBy(Duration.ofMillis(999));
      assertThat(s.stats().runtimes()).isZero();

      vts.advanceTimeBy(Duration.ofMillis(1));
      assertThat(s.stats().createsByKey()).containsExactly(Map.entry("gave-up", 1));
      assertThat(s.stats().runtimes()).isEqualTo(1);
      assertThat(s.stats().requestsByStatus()).isEmpty(); // nobody was there to answer

      try (Raw patient = new Raw(s)) {
        patient.write("POST", "/v1/spaces/a/runtimes", "Bearer " + KEY, body("patient"));
        eventually(() -> s.stats().faults(FaultKind.HOLD) == 2);
        vts.advanceTimeBy(Duration.ofSeconds(1));
        RawResponse r = patient.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"provisionerKey\":\"patient\"");
      }
      assertThat(s.stats().createsByKey()).containsOnly(Map.entry("gave-up", 1), Map.entry("patient", 1));
      eventually(() -> s.stats().inFlight() == 0);
    } finally {
      vts.dispose();
    }
  }

  @Test
  void truncateCreatesTheRuntimeAndCutsTheBodyShortOfItsContentLength() throws Exception {
    SandboxServer s = withFault(FaultKind.TRUNCATE);
    try (Raw c = new Raw(s)) {
      c.write("POST", "/v1/spaces/a/runtimes", "Bearer " + KEY, body("k1"));
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.complete()).isFalse();
      assertThat(r.body().length).isEqualTo(Integer.parseInt(r.headers().get("content-length")) / 2);
      assertThat(c.closedByPeer()).isTrue();
    }
    assertThat(s.stats().faults(FaultKind.TRUNCATE)).isEqualTo(1);
    assertThat(s.stats().createsByKey()).containsExactly(Map.entry("k1", 1));
  }

  @Test
  void failedAnswers200WithAFailedRuntimeThatTakesNoQuota() {
    SandboxServer s = start(base().faults(Map.of(FaultKind.FAILED, 1.0)).maxActive(1));
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = post(s, "a", body("k" + i));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(json(r).get("status").stringValue()).isEqualTo("failed");
      assertThat(json(r).get("summary").get("browserRunning").booleanValue()).isFalse();
    }
    assertThat(s.stats().faults(FaultKind.FAILED)).isEqualTo(2);
    assertThat(s.stats().runtimes()).isEqualTo(2);
    assertThat(s.stats().activeRuntimes()).isZero();
  }

  @Test
  void rateLimitAnswers429WithARetryAfterComputedFromTheBucket() {
    AtomicLong nanos = new AtomicLong(1_000_000_000L);
    SandboxServer s = start(base().rate(0.25, 2).nanoTime(nanos::get));
    assertThat(post(s, "a", body("k1")).statusCode()).isEqualTo(200);
    assertThat(post(s, "a", body("k2")).statusCode()).isEqualTo(200);
    HttpResponse<String> limited = post(s, "a", body("k3"));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).contains("4");
    assertThat(json(limited).get("code").stringValue()).isEqualTo("rate_limited");
    assertThat(json(limited).get("reasonClass").stringValue()).isEqualTo("rate_limited");
    nanos.addAndGet(3_500_000_000L);
    assertThat(post(s, "a", body("k3")).headers().firstValue("retry-after")).contains("1");
    nanos.addAndGet(500_000_000L);
    assertThat(post(s, "a", body("k3")).statusCode()).isEqualTo(200);
    assertThat(s.stats().requestsByStatus()).isEqualTo(Map.of(200, 3L, 429, 2L));
    assertThat(s.stats().createStartNanos())
        .containsExactly(1_000_000_000L, 1_000_000_000L, 1_000_000_000L, 4_500_000_000L, 5_000_000_000L);
  }

  @Test
  void aRateScheduleChangesTheLimitAtItsTimeCountedFromTheServersStart() {
    AtomicLong nanos = new AtomicLong(5_000_000_000L);
    SandboxServer s = start(base().rateSchedule(SandboxConfig.parseRateSchedule("1@0s,0.1@10s")).nanoTime(nanos::get));
    assertThat(post(s, "a", body("k1")).statusCode()).isEqualTo(200);
    HttpResponse<String> first = post(s, "a", body("k2"));
    assertThat(first.statusCode()).isEqualTo(429);
    assertThat(first.headers().firstValue("retry-after")).contains("1");
    assertThat(json(first).get("error").stringValue())
        .isEqualTo("Rate limit exceeded: at most 1 creates, stops and deletes per second (burst 1)");

    nanos.addAndGet(9_500_000_000L); // 9.5 s after the start
    assertThat(post(s, "a", body("k2")).statusCode()).isEqualTo(200);
    nanos.addAndGet(1_000_000_000L); // 10.5 s: 0.5 token at 1/s, then 0.05 at 0.1/s
    HttpResponse<String> later = post(s, "a", body("k3"));
    assertThat(later.statusCode()).isEqualTo(429);
    assertThat(later.headers().firstValue("retry-after")).contains("5");
    assertThat(json(later).get("error").stringValue()).contains("at most 0.1 creates");
    nanos.addAndGet(4_500_000_000L);
    assertThat(post(s, "a", body("k3")).statusCode()).isEqualTo(200);

    s.reconfigure(s.config().toBuilder().burst(2).build());
    assertThat(post(s, "a", body("k4")).statusCode()).as("a new bucket starts full").isEqualTo(200);
    assertThat(post(s, "a", body("k5")).statusCode()).isEqualTo(200);
    HttpResponse<String> stillSlow = post(s, "a", body("k6"));
    assertThat(stillSlow.headers().firstValue("retry-after")).as("the schedule still counts from the start").contains("10");
    assertThat(s.banner()).contains("rate 0.0/s then 1@0s,0.1@10s burst 2");
  }

  @Test
  void theStatsGiveTheMostCreatesInOneSecondAndTheFirstAndLastArrival() {
    AtomicLong nanos = new AtomicLong(7_000_000_000L);
    long epoch = 1_767_323_045_000L;
    java.time.Clock clock = new java.time.Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public java.time.Instant instant() {
        return java.time.Instant.ofEpochMilli(epoch + nanos.get() / 1_000_000);
      }
    };
    SandboxServer s = start(base().nanoTime(nanos::get).clock(clock).rate(2, 1));
    assertThat(s.stats().maxStartsInOneSecond()).isZero();
    assertThat(s.stats().firstCreateEpochMillis()).isNull();
    JsonNode none = json(SandboxHttp.send(s, "GET", "/__sandbox/stats", null, Duration.ofSeconds(5)));
    assertThat(none.get("firstCreateEpochMillis").isNull()).isTrue();
    assertThat(none.get("lastCreateEpochMillis").isNull()).isTrue();
    for (long stepMs : new long[] {0, 500, 400, 300, 1300}) { // arrivals at 0, 0.5, 0.9, 1.2, 2.5 s
      nanos.addAndGet(stepMs * 1_000_000);
      post(s, "a", body("k"));
    }
    SandboxStats st = s.stats();
    assertThat(st.maxStartsInOneSecond()).as("0, 0.5, 0.9 s (or 0.5, 0.9, 1.2 s), 429s included").isEqualTo(3);
    assertThat(st.requests(429)).isPositive();
    assertThat(st.firstCreateEpochMillis()).isEqualTo(epoch + 7_000);
    assertThat(st.lastCreateEpochMillis()).isEqualTo(epoch + 9_500);
    JsonNode n = json(SandboxHttp.send(s, "GET", "/__sandbox/stats", null, Duration.ofSeconds(5)));
    assertThat(n.get("maxStartsInOneSecond").intValue()).isEqualTo(3);
    assertThat(n.get("firstCreateEpochMillis").longValue()).isEqualTo(epoch + 7_000);
    assertThat(n.get("lastCreateEpochMillis").longValue()).isEqualTo(epoch + 9_500);
  }

  @Test
  void quotaAnswers402BeyondMaxActiveUntilReconfiguredOrStopped() {
    SandboxServer s = start(base().maxActive(2));
    assertThat(post(s, "a", body("k1")).statusCode()).isEqualTo(200);
    assertThat(post(s, "a", body("k2")).statusCode()).isEqualTo(200);
    HttpResponse<String> over = post(s, "a", body("k3"));
    assertThat(over.statusCode()).isEqualTo(402);
    assertThat(json(over).get("code").stringValue()).isEqualTo("browser.concurrent_quota_exceeded");
    assertThat(json(over).get("reasonClass").stringValue()).isEqualTo("capability_limit_exceeded");
    assertThat(s.stats().runtimes()).isEqualTo(2);

    s.reconfigure(s.config().toBuilder().maxActive(3).build());
    assertThat(post(s, "a", body("k3")).statusCode()).isEqualTo(200);
    assertThat(post(s, "a", body("k4")).statusCode()).isEqualTo(402);

    s.stopAll();
    assertThat(s.stats().activeRuntimes()).isZero();
    assertThat(post(s, "a", body("k4")).statusCode()).isEqualTo(200);
    JsonNode first = json(SandboxHttp.get(s, "/v1/spaces/a/runtimes")).get("data").get(0);
    assertThat(first.get("status").stringValue()).isEqualTo("stopped");
    assertThat(s.deleteRuntime("a", first.get("id").stringValue())).isTrue();
    assertThat(s.stats().runtimes()).isEqualTo(3);
  }

  @Test
  void withoutIdempotencyARepeatedKeyCreatesAgain() {
    SandboxServer s = start(base());
    String a = json(post(s, "a", body("k"), "Idempotency-Key", "k")).get("id").stringValue();
    String b = json(post(s, "a", body("k"), "Idempotency-Key", "k")).get("id").stringValue();
    assertThat(a).isNotEqualTo(b);
    assertThat(s.stats().duplicates()).isEqualTo(1);
    assertThat(s.stats().idempotentReplays()).isZero();
  }

  @Test
  void withIdempotencyARepeatedKeyReplaysTheFirstAnswer() {
    SandboxServer s = start(base().idempotency(true));
    HttpResponse<String> first = post(s, "a", body("k"), "Idempotency-Key", "k");
    HttpResponse<String> again = post(s, "a", body("k"), "Idempotency-Key", "k");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().firstValue("idempotent-replayed")).contains("true");
    HttpResponse<String> other = post(s, "a", body("other"), "Idempotency-Key", "k");
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(json(other).get("code").stringValue()).isEqualTo("idempotency.conflict");
    assertThat(s.stats().runtimes()).isEqualTo(1);
    assertThat(s.stats().duplicates()).isZero();
    assertThat(s.stats().idempotentReplays()).isEqualTo(1);
  }

  @Test
  void withIdempotencyAKeyWhoseFirstTryCreatedNothingIsFreeAgain() {
    SandboxServer s = start(base().idempotency(true).faults(Map.of(FaultKind.HTTP_503, 1.0)));
    assertThat(post(s, "a", body("k"), "Idempotency-Key", "k").statusCode()).isEqualTo(503);
    s.reconfigure(s.config().toBuilder().faults(Map.of()).build());
    assertThat(post(s, "a", body("k"), "Idempotency-Key", "k").statusCode()).isEqualTo(200);
    assertThat(s.stats().idempotentReplays()).isZero();
  }

  /** A server whose latency is exactly one second of {@code vts}'s virtual time. */
  SandboxServer withVirtualLatency(VirtualTimeScheduler vts, SandboxConfig.Builder b) {
    return start(b.latency(Duration.ofSeconds(1), Duration.ofSeconds(1)).scheduler(vts));
  }

  /** Sends a create on a raw connection and waits until the server has accepted it into its latency. */
  static Raw acceptedCreate(SandboxServer s, String key, String... headers) throws Exception {
    int before = s.pendingCreates();
    Raw c = new Raw(s);
    c.write("POST", "/v1/spaces/a/runtimes", "Bearer " + KEY, body(key), headers);
    eventually(() -> s.pendingCreates() == before + 1);
    return c;
  }

  /** Closes the client's connection and waits until the server has seen it go. */
  static void leave(SandboxServer s, Raw c) throws Exception {
    c.close();
    eventually(() -> s.stats().inFlight() == 0);
  }

  @Test
  void aClientThatLeavesDuringTheLatencyStillGetsItsRuntimeCreated() throws Exception {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    try {
      SandboxServer s = withVirtualLatency(vts, base());
      leave(s, acceptedCreate(s, "left"));
      assertThat(s.stats().inFlight()).isZero();
      assertThat(s.stats().runtimes()).isZero();

      vts.advanceTimeBy(Duration.ofSeconds(1));

      assertThat(s.pendingCreates()).isZero();
      assertThat(s.stats().createsByKey()).containsExactly(Map.entry("left", 1));
      assertThat(s.stats().activeRuntimes()).isEqualTo(1);
      assertThat(s.stats().requestsByStatus()).isEmpty(); // nobody was there to answer
      JsonNode listed = json(SandboxHttp.get(s, "/v1/spaces/a/runtimes")).get("data");
      assertThat(listed).hasSize(1);
      assertThat(listed.get(0).get("metadata").get("provisionerKey").stringValue()).isEqualTo("left");
      assertThat(listed.get(0).get("status").stringValue()).isEqualTo("active");
    } finally {
      vts.dispose();
    }
  }

  @Test
  void aClientThatLeavesDuringA503LatencyCreatesNothingAndItsIdempotencyKeyIsFreeAgain() throws Exception {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    try {
      SandboxServer s = withVirtualLatency(vts, base().idempotency(true).faults(Map.of(FaultKind.HTTP_503, 1.0)));
      leave(s, acceptedCreate(s, "k", "Idempotency-Key", "k"));

      vts.advanceTimeBy(Duration.ofSeconds(1));

      assertThat(s.pendingCreates()).isZero();
      assertThat(s.stats().faults(FaultKind.HTTP_503)).isEqualTo(1);
      assertThat(s.stats().runtimes()).isZero();
      assertThat(s.stats().requestsByStatus()).isEmpty();
      assertThat(json(SandboxHttp.get(s, "/v1/spaces/a/runtimes")).get("data")).isEmpty();
      s.reconfigure(s.config().toBuilder().faults(Map.of()).latency(Duration.ZERO, Duration.ZERO).build());
      HttpResponse<String> retry = post(s, "a", body("k"), "Idempotency-Key", "k");
      assertThat(retry.statusCode()).isEqualTo(200);
      assertThat(retry.headers().firstValue("idempotent-replayed")).isEmpty();
      assertThat(s.stats().idempotentReplays()).isZero();
      assertThat(s.stats().faults(FaultKind.HTTP_503)).isEqualTo(1);
    } finally {
      vts.dispose();
    }
  }

  @Test
  void withIdempotencyAKeyWhoseClientLeftIsInProgressUntilItsCreateHappensThenReplayed() throws Exception {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    try {
      SandboxServer s = withVirtualLatency(vts, base().idempotency(true));
      leave(s, acceptedCreate(s, "k", "Idempotency-Key", "k"));
      HttpResponse<String> meanwhile = post(s, "a", body("k"), "Idempotency-Key", "k");
      assertThat(meanwhile.statusCode()).isEqualTo(409);
      assertThat(json(meanwhile).get("code").stringValue()).isEqualTo("idempotency.in_progress");

      vts.advanceTimeBy(Duration.ofSeconds(1));

      HttpResponse<String> retry = post(s, "a", body("k"), "Idempotency-Key", "k");
      assertThat(retry.statusCode()).isEqualTo(200);
      assertThat(retry.headers().firstValue("idempotent-replayed")).contains("true");
      String listedId = json(SandboxHttp.get(s, "/v1/spaces/a/runtimes")).get("data").get(0).get("id").stringValue();
      assertThat(json(retry).get("id").stringValue()).isEqualTo(listedId);
      assertThat(s.stats().runtimes()).isEqualTo(1);
      assertThat(s.stats().duplicates()).isZero();
      assertThat(s.stats().idempotentReplays()).isEqualTo(1);
    } finally {
      vts.dispose();
    }
  }

  @Test
  void aClientThatStaysThroughAVirtualLatencyIsAnsweredOnce() throws Exception {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    try {
      SandboxServer s = withVirtualLatency(vts, base());
      try (Raw c = acceptedCreate(s, "stayed")) {
        vts.advanceTimeBy(Duration.ofSeconds(1));
        RawResponse r = c.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(SandboxHttp.JSON.readTree(r.body()).get("metadata").get("provisionerKey").stringValue())
            .isEqualTo("stayed");
      }
      assertThat(s.stats().requestsByStatus()).isEqualTo(Map.of(200, 1L));
      assertThat(s.stats().createsByKey()).containsExactly(Map.entry("stayed", 1));
    } finally {
      vts.dispose();
    }
  }

  @Test
  void closeCancelsCreatesStillInTheirLatencyOrHeld() throws Exception {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    SandboxServer inLatency = SandboxServer.start(base().latency(Duration.ofSeconds(1), Duration.ofSeconds(1))
        .scheduler(vts).build());
    SandboxServer holding = SandboxServer.start(base().latency(Duration.ZERO, Duration.ZERO)
        .faults(Map.of(FaultKind.HOLD, 1.0)).hold(Duration.ofSeconds(1)).scheduler(vts).build());
    try (Raw a = acceptedCreate(inLatency, "late"); Raw b = acceptedCreate(holding, "held")) {
      inLatency.close();
      holding.close();
      assertThat(a.read()).isNull();
      assertThat(b.read()).isNull();
      vts.advanceTimeBy(Duration.ofSeconds(5));
    } finally {
      vts.dispose();
    }
    assertThat(inLatency.pendingCreates()).isZero();
    assertThat(inLatency.stats().runtimes()).isZero();
    assertThat(holding.pendingCreates()).isZero();
    assertThat(holding.stats().runtimes()).isZero();
    assertThat(holding.stats().faults(FaultKind.HOLD)).isEqualTo(1);
  }

  @Test
  void theSameSeedMakesTheSameChoicesInTheSameOrder() throws Exception {
    List<String> first = run(7L);
    assertThat(run(7L)).isEqualTo(first);
    assertThat(run(8L)).isNotEqualTo(first);
    assertThat(first).contains("dropped", "503");
  }

  private List<String> run(long seed) throws Exception {
    SandboxServer s = start(base().seed(seed).latency(Duration.ZERO, Duration.ZERO).faultRate(0.9).hold(Duration.ZERO));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      RawResponse r = rawPost(s, body("k" + i));
      out.add(r == null ? "dropped"
          : !r.complete() ? "cut"
          : r.status() == 200 ? SandboxHttp.JSON.readTree(r.body()).get("id").stringValue() + "/"
              + SandboxHttp.JSON.readTree(r.body()).get("status").stringValue()
          : Integer.toString(r.status()));
    }
    assertThat(s.seed()).isEqualTo(seed);
    return out;
  }

  @Test
  void countsTheMostCreatesEverInFlight() {
    SandboxServer s = start(base().latency(Duration.ofMillis(300), Duration.ofMillis(300)));
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(SandboxHttp.CLIENT.sendAsync(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.baseUrl() + "/v1/spaces/a/runtimes"))
              .header("Authorization", "Bearer " + KEY)
              .timeout(Duration.ofSeconds(10))
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body("x")))
              .build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()));
    }
    calls.forEach(c -> assertThat(c.join().statusCode()).isEqualTo(200));
    assertThat(s.stats().maxInFlight()).isEqualTo(4);
    eventually(() -> s.stats().inFlight() == 0);
    assertThat(s.stats().createsByKey()).containsExactly(Map.entry("x", 4));
  }

  @Test
  void bannerShowsUrlKeySeedAndACurlThatWorks() {
    SandboxServer s = start(base());
    assertThat(s.banner())
        .contains("http://127.0.0.1:" + s.port())
        .contains("API key:  " + KEY)
        .contains("seed:     42")
        .contains("curl -s -X POST " + s.baseUrl() + "/v1/spaces/demo/runtimes -H 'Authorization: Bearer " + KEY + "'")
        .contains("latency 0ms..2ms, no rate limit, no faults, no quota, idempotency off");
  }
}
