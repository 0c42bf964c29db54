package ai.bctrl.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bctrl.provisioner.ProvisionerListener.AttemptEnded;
import ai.bctrl.provisioner.micrometer.ProvisionerMetrics;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.model.CustomProxy;
import ai.bctrl.provisioner.model.ProxyProtocol;
import ai.bctrl.provisioner.model.RuntimeConfig;
import ai.bctrl.provisioner.model.Stealth;
import ai.bctrl.provisioner.sandbox.FaultKind;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The library's contract beyond provisioning itself: builders, listeners, Micrometer, close,
 * emission threads, hot sources and the key guard of {@code create}. Real HTTP against the sandbox.
 */
class LibraryApiTest {
  private static final long SEED = 20261202L;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(open);
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private SandboxServer sandbox(SandboxConfig.Builder b) {
    SandboxServer s = SandboxServer.start(b.port(0).seed(SEED).build());
    open.add(s);
    return s;
  }

  private Provisioner provisioner(SandboxServer s, Provisioner.Builder b) {
    Provisioner p = b.baseUrl(s.baseUrl()).apiKey(s.apiKey()).build();
    open.add(p);
    return p;
  }

  private static Provisioner.Builder settings() {
    return Provisioner.builder().concurrency(8).rate(0).maxAttempts(20)
        .settleDelay(Duration.ofMillis(100)).backoff(Duration.ofMillis(5), Duration.ofMillis(50))
        .requestTimeout(Duration.ofSeconds(5)).maxConsecutiveFailures(10_000).random(new Random(SEED));
  }

  private static Flux<Item> items(int n, String prefix) {
    return Flux.range(1, n).map(i -> Item.builder().key(prefix + i).spaceId("sp")
        .request(CreateRuntimeRequest.builder().name(prefix + i).build()).build());
  }

  @Test
  void buildersNameEveryFieldAndRoundTrip() {
    UUID saved = UUID.fromString("0b7e6f2e-8d43-4a55-9a43-6f1f6d9c2a10");
    RuntimeConfig config = RuntimeConfig.builder().stealth(Stealth.ULTRA).humanize(true).solveCaptchas(false)
        .customProxy("p.example", 8080, ProxyProtocol.HTTP, "u", "secret").build();
    CreateRuntimeRequest request = CreateRuntimeRequest.builder().name("a").profile("prof")
        .extensionId("ext1").metadata("team", "growth").config(config).build();

    assertThat(request.config().proxy()).contains(new CustomProxy("p.example", 8080, ProxyProtocol.HTTP, "u", "secret"));
    assertThat(request.toBuilder().build()).isEqualTo(request);
    assertThat(request.toBuilder().name("b").build().name()).isEqualTo("b");
    assertThat(config.toBuilder().noProxy().build().proxy()).isEqualTo(Optional.empty());
    assertThat(config.toBuilder().noProxy().build().hasNoProxy()).isTrue();
    assertThat(config.toBuilder().apiDefaultProxy().build().proxy()).isNull();
    assertThat(config.toBuilder().savedProxy(saved).build().proxy().orElseThrow().mode()).isEqualTo("saved");
    assertThat(request.metadata()).containsExactly(Map.entry("team", "growth"));

    Item item = Item.builder().key("k-1").spaceId("sp").request(request).build();
    assertThat(item.request().provisionerKey()).isEqualTo("k-1");
    assertThat(item.request().metadata()).containsEntry("team", "growth");
    assertThat(item.toBuilder().key("k-2").build().request().provisionerKey()).isEqualTo("k-2");
  }

  @Test
  void itemBuilderNamesWhatIsMissingOrWrong() {
    CreateRuntimeRequest body = CreateRuntimeRequest.builder().build();
    assertThatThrownBy(() -> Item.builder().spaceId("sp").request(body).build())
        .isInstanceOf(NullPointerException.class).hasMessage("key must be set");
    assertThatThrownBy(() -> Item.builder().key("k").request(body).build())
        .isInstanceOf(NullPointerException.class).hasMessage("spaceId must be set");
    assertThatThrownBy(() -> Item.builder().key("has space").spaceId("sp").request(body).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must be printable ASCII without spaces (it is sent as the Idempotency-Key header) "
            + "but has a space at index 3");
    assertThatThrownBy(() -> Item.builder().key("x".repeat(201)).spaceId("sp").request(body).build())
        .hasMessage("key must be 1..200 characters but was 201");
    assertThatThrownBy(() -> RuntimeConfig.builder().customProxy("h", 0, ProxyProtocol.HTTP))
        .hasMessage("port must be 1..65535 but was 0");
  }

  /** Records every event with the thread it came on. */
  static final class Recorder implements ProvisionerListener {
    final Queue<String> events = new ConcurrentLinkedQueue<>();
    final Queue<AttemptEnded> ended = new ConcurrentLinkedQueue<>();
    final Queue<RunStopped> stops = new ConcurrentLinkedQueue<>();

    @Override
    public void attemptStarted(AttemptStarted e) {
      events.add(e.key() + " start " + e.attempt());
    }

    @Override
    public void attemptEnded(AttemptEnded e) {
      ended.add(e);
      events.add(e.key() + " end " + e.attempt() + " " + e.result());
    }

    @Override
    public void retryScheduled(RetryScheduled e) {
      events.add(e.key() + " retry " + e.nextAttempt());
    }

    @Override
    public void settled(Settled e) {
      events.add(e.key() + " settled " + e.found());
    }

    @Override
    public void itemEnded(ItemResult r) {
      events.add(r.key() + " item " + r.outcome());
    }

    @Override
    public void runStopped(RunStopped e) {
      stops.add(e);
    }

    List<String> of(String key) {
      return events.stream().filter(s -> s.startsWith(key + " ")).map(s -> s.substring(key.length() + 1)).toList();
    }
  }

  @Test
  void listenersSeeEveryAttemptRetrySettleAndEndInOrder() {
    SandboxServer s = sandbox(SandboxConfig.builder().latency(Duration.ofMillis(1), Duration.ofMillis(3))
        .faults(Map.of(FaultKind.HTTP_503, 0.2, FaultKind.RESET_AFTER, 0.1)));
    Recorder recorder = new Recorder();
    ProvisionerListener throwing = new ProvisionerListener() {
      @Override
      public void attemptEnded(AttemptEnded e) {
        throw new IllegalStateException("a broken listener");
      }
    };
    Provisioner p = provisioner(s, settings().listener(throwing).listener(recorder));

    List<ItemResult> results = p.provision(items(60, "ev-")).collectList().block(Duration.ofSeconds(60));

    assertThat(results).hasSize(60).allSatisfy(r -> assertThat(r.outcome()).isIn(Outcome.CREATED, Outcome.ADOPTED));
    assertThat(s.stats().duplicates()).isZero();
    assertThat(recorder.ended).hasSize((int) p.stats().attemptsStarted());
    assertThat(recorder.ended).anySatisfy(e -> {
      assertThat(e.httpStatus()).isEqualTo(503);
      assertThat(e.result()).isEqualTo(AttemptEnded.Result.RETRYABLE);
      assertThat(e.cause()).isEqualTo(RetryCause.SERVER_5XX);
    });
    assertThat(recorder.ended).anySatisfy(e -> assertThat(e.result()).isEqualTo(AttemptEnded.Result.UNCERTAIN));
    for (ItemResult r : results) {
      List<String> events = recorder.of(r.key());
      assertThat(events).last().isEqualTo("item " + r.outcome());
      assertThat(events).filteredOn(e -> e.startsWith("item")).hasSize(1);
      for (int i = 0; i < events.size() - 1; i++) {  // each start is followed by its end, then retry or settle
        if (events.get(i).startsWith("start ")) {
          assertThat(events.get(i + 1)).startsWith("end " + events.get(i).substring(6) + " ");
        }
      }
      if (r.outcome() == Outcome.ADOPTED) {
        assertThat(events).contains("settled true");
      }
    }
    assertThat(recorder.stops).isEmpty();
  }

  @Test
  void micrometerMetersCountWhatTheRunDid() {
    SandboxServer s = sandbox(SandboxConfig.builder().latency(Duration.ofMillis(1), Duration.ofMillis(2))
        .faults(Map.of(FaultKind.HTTP_503, 0.3)));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProvisionerMetrics metrics = new ProvisionerMetrics(registry, io.micrometer.core.instrument.Tags.of("job", "t"));
    Provisioner p = provisioner(s, settings().listener(metrics));
    metrics.bindGauges(p);

    p.provision(items(30, "mm-")).blockLast(Duration.ofSeconds(60));

    assertThat(registry.get("provisioner.items").tag("outcome", "created").tag("job", "t").counter().count())
        .isEqualTo(30);
    double attempts = registry.get("provisioner.attempts").counters().stream().mapToDouble(c -> c.count()).sum();
    assertThat(attempts).isEqualTo(p.stats().attemptsStarted());
    assertThat(registry.get("provisioner.attempts").tag("status", "503").counter().count())
        .isEqualTo(s.stats().requests(503));
    assertThat(registry.get("provisioner.retries").tag("cause", "server_5xx").counter().count())
        .isEqualTo(s.stats().requests(503));
    assertThat(registry.get("provisioner.item.latency").timer().count()).isEqualTo(30);
    assertThat(registry.get("provisioner.calls.in.flight.max").gauge().value()).isBetween(1.0, 8.0);
  }

  @Test
  void closeCutsRunningRunsAbortsTheirItemsAndRejectsNewWork() {
    SandboxServer s = sandbox(SandboxConfig.builder().latency(Duration.ofMillis(150), Duration.ofMillis(150)));
    Recorder recorder = new Recorder();
    Provisioner p = provisioner(s, settings().concurrency(4).listener(recorder));
    List<ItemResult> results = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    reactor.core.Disposable run = p.provision(items(200, "cl-")).subscribe(results::add, errors::add);
    open.add(run::dispose);

    Flux.interval(Duration.ofMillis(10)).filter(t -> results.size() >= 8).blockFirst(Duration.ofSeconds(30));
    p.close();

    assertThat(errors).singleElement().isInstanceOf(ProvisionerClosedException.class);
    assertThat(results).filteredOn(r -> r.outcome() == Outcome.ABORTED).isNotEmpty().hasSizeLessThanOrEqualTo(4);
    assertThat(results).hasSizeLessThan(200);
    assertThat(recorder.stops).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(ProvisionerListener.RunStopped.Reason.CLOSED));
    long requestsAtClose = s.stats().createRequests();
    assertThat(requestsAtClose).isLessThan(200);

    StepVerifier.create(p.create(items(1, "after-close-").blockFirst()))
        .expectError(ProvisionerClosedException.class).verify(Duration.ofSeconds(5));
    StepVerifier.create(p.provision(items(3, "after-close-")))
        .expectError(ProvisionerClosedException.class).verify(Duration.ofSeconds(5));
    assertThat(s.stats().createRequests()).isEqualTo(requestsAtClose);
  }

  @Test
  void closeAsyncCompletesOnceRunsHaveEndedWithoutBlocking() {
    SandboxServer s = sandbox(SandboxConfig.builder().latency(Duration.ofMillis(100), Duration.ofMillis(100)));
    Provisioner p = provisioner(s, settings().concurrency(2));
    List<ItemResult> results = new CopyOnWriteArrayList<>();
    reactor.core.Disposable run = p.provision(items(50, "ca-")).subscribe(results::add, e -> { });
    open.add(run::dispose);
    Flux.interval(Duration.ofMillis(5)).filter(t -> p.stats().inFlight() > 0).blockFirst(Duration.ofSeconds(30));

    StepVerifier.create(p.closeAsync().subscribeOn(Schedulers.parallel())).verifyComplete();

    assertThat(run.isDisposed()).isTrue();
    assertThat(results).extracting(ItemResult::outcome).contains(Outcome.ABORTED);
  }

  @Test
  void emitOnDeliversResultsOnTheGivenScheduler() {
    SandboxServer s = sandbox(SandboxConfig.builder().latency(Duration.ofMillis(1), Duration.ofMillis(2)));
    Provisioner p = provisioner(s, settings().emitOn(Schedulers.boundedElastic()));

    List<String> threads = p.provision(items(20, "th-")).map(r -> Thread.currentThread().getName())
        .collectList().block(Duration.ofSeconds(30));

    assertThat(threads).hasSize(20).allSatisfy(t -> assertThat(t).startsWith("boundedElastic"));
  }

  @Test
  void aHotSourceNeedsABackpressureStrategyAndWorksWithOne() {
    SandboxServer s = sandbox(SandboxConfig.builder().latency(Duration.ofMillis(50), Duration.ofMillis(50)));
    Provisioner p = provisioner(s, settings().concurrency(1));
    Flux<Item> hot = Flux.interval(Duration.ofMillis(1)).take(300)
        .map(i -> Item.builder().key("hot-" + i).spaceId("sp").request(CreateRuntimeRequest.builder().build()).build());

    StepVerifier.create(p.provision(hot))
        .thenConsumeWhile(r -> true)
        .expectErrorMatches(Exceptions::isOverflow)
        .verify(Duration.ofSeconds(30));

    Provisioner wide = provisioner(s, settings().concurrency(16));
    Flux<Item> buffered = Flux.interval(Duration.ofMillis(1)).take(300)
        .map(i -> Item.builder().key("buf-" + i).spaceId("sp").request(CreateRuntimeRequest.builder().build()).build())
        .onBackpressureBuffer(1_000);
    assertThat(wide.provision(buffered).collectList().block(Duration.ofSeconds(60)))
        .hasSize(300).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.CREATED));
  }

  @Test
  void createRefusesAKeyThatIsInFlightOnTheSameProvisioner() {
    SandboxServer s = sandbox(SandboxConfig.builder().latency(Duration.ofMillis(300), Duration.ofMillis(300)));
    Provisioner p = provisioner(s, settings());
    Item item = items(1, "same-").blockFirst();

    List<ItemResult> both = Flux.merge(p.create(item), p.create(item)).collectList().block(Duration.ofSeconds(30));

    assertThat(both).extracting(ItemResult::outcome).containsExactlyInAnyOrder(Outcome.CREATED, Outcome.FAILED);
    assertThat(both).filteredOn(r -> r.outcome() == Outcome.FAILED).singleElement()
        .satisfies(r -> assertThat(r.errorCode()).isEqualTo(ErrorCodes.DUPLICATE_KEY));
    assertThat(s.stats().createsByKey()).containsExactly(Map.entry("same-1", 1));
  }
}
