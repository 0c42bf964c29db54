package ai.bctrl.provisioner.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** The client's connections, against a Reactor Netty server on an ephemeral port. */
class ApiChannelsTest {
  private final Set<Object> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile Function<HttpServerRequest, Duration> delay = r -> Duration.ZERO;
  private volatile boolean closeAfterAnswer;
  private DisposableServer server;
  private ApiChannels channels;

  @AfterEach
  void tearDown() {
    if (channels != null) {
      channels.close();
    }
    if (server != null) {
      server.disposeNow();
    }
  }

  private HttpServer server() {
    return HttpServer.create().host("127.0.0.1").port(0)
        .doOnChannelInit((observer, ch, address) -> { // once per connection, not per request
          connections.add(ch);
          connected.incrementAndGet();
          ch.closeFuture().addListener(f -> closed.incrementAndGet());
        })
        .handle(this::answer);
  }

  private Mono<Void> answer(HttpServerRequest req, HttpServerResponse res) {
    return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap(body -> {
      requests.add(req.method() + " " + req.uri() + " " + req.requestHeaders().get("Idempotency-Key") + " "
          + req.requestHeaders().get("Host") + " " + body);
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return Mono.delay(delay.apply(req)).then(Mono.defer(() -> {
        inFlight.decrementAndGet();
        if (closeAfterAnswer) {
          res.keepAlive(false);
        }
        return res.status(201).header("content-type", "application/json").sendString(Mono.just("{\"id\":\"rt\"}"))
            .then();
      }));
    });
  }

  private ApiChannels channels(int max) {
    server = server().bindNow();
    return channels = new ApiChannels("127.0.0.1", server.port(), null, max, Duration.ofSeconds(2),
        Duration.ofSeconds(30));
  }

  /** A call's side as the client's create builds it, with a gate that waits {@code gateNanos} once. */
  static final class Ex implements ApiChannels.Exchange<Reply> {
    final String key;
    final String hostHeader;
    volatile long gateNanos;
    volatile boolean written;
    volatile int passes;

    Ex(String key, String hostHeader) {
      this.key = key;
      this.hostHeader = hostHeader;
    }

    @Override
    public long tryPass() {
      passes++;
      long w = gateNanos;
      gateNanos = 0;
      return w;
    }

    @Override
    public FullHttpRequest request() {
      return ApiChannels.request(io.netty.handler.codec.http.HttpMethod.POST, "/v1/spaces/sp/runtimes", ApiChannels.commonHeaders(hostHeader, "k", "test"),
          key, ("{\"name\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void written() {
      written = true;
    }

    @Override
    public Reply read(int status, HttpHeaders headers, byte[] body) {
      return new Reply(status, null, null, new String(body, StandardCharsets.UTF_8), null);
    }
  }

  private Reply call(ApiChannels c, String key) {
    return c.call(new Ex(key, "127.0.0.1:" + server.port())).block(Duration.ofSeconds(10));
  }

  @Test
  void callsOneAfterAnotherShareOneKeptAliveConnection() {
    ApiChannels c = channels(4);
    for (int i = 0; i < 10; i++) {
      assertThat(call(c, "k" + i).status()).isEqualTo(201);
    }
    assertThat(connected.get()).isEqualTo(1);
    assertThat(requests).hasSize(10);
    assertThat(requests.get(3)).isEqualTo("POST /v1/spaces/sp/runtimes k3 127.0.0.1:" + server.port()
        + " {\"name\":\"k3\"}");
    assertThat(c.open()).isEqualTo(1);
  }

  @Test
  void neverMoreConnectionsThanTheMostCallsWaitForOne() {
    ApiChannels c = channels(2);
    delay = r -> Duration.ofMillis(50);
    List<Mono<Reply>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(c.call(new Ex("k" + i, "h")));
    }
    List<Reply> replies = Flux.merge(calls).collectList().block(Duration.ofSeconds(10));
    assertThat(replies).hasSize(8).allMatch(r -> r.status() == 201);
    assertThat(connected.get()).isEqualTo(2);
    assertThat(mostInFlight.get()).isEqualTo(2);
  }

  @Test
  void aCallCancelledWhileWaitingForAConnectionSendsNothingAndTheNextOneGetsIt() throws Exception {
    ApiChannels c = channels(1);
    delay = r -> Duration.ofMillis(300);
    Mono<Reply> first = c.call(new Ex("first", "h"));
    List<Object> outcomes = new CopyOnWriteArrayList<>();
    first.subscribe(outcomes::add, outcomes::add);
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (requests.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    Ex cancelled = new Ex("cancelled", "h");
    var waiting = c.call(cancelled).subscribe();
    waiting.dispose();
    Reply third = c.call(new Ex("third", "h")).block(Duration.ofSeconds(10));
    assertThat(third.status()).isEqualTo(201);
    assertThat(outcomes).hasSize(1).allMatch(o -> o instanceof Reply r && r.status() == 201);
    assertThat(requests).hasSize(2).noneMatch(r -> r.contains("cancelled"));
    assertThat(cancelled.passes).isZero();
    assertThat(connected.get()).isEqualTo(1);
  }

  @Test
  void anAnswerThatClosesItsConnectionIsReadAndTheNextCallOpensANewOne() {
    ApiChannels c = channels(4);
    closeAfterAnswer = true;
    assertThat(call(c, "a").status()).isEqualTo(201);
    assertThat(call(c, "b").status()).isEqualTo(201);
    assertThat(connected.get()).isEqualTo(2);
  }

  @Test
  void aConnectionTheServerClosedWhileIdleIsNotUsedNothingFails() throws Exception {
    ApiChannels c = channels(4);
    assertThat(call(c, "a").status()).isEqualTo(201);
    // the server closes the idle connection; the client sees it close
    for (Object ch : connections) {
      ((io.netty.channel.Channel) ch).close().sync();
    }
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (c.open() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(c.open()).isZero();
    assertThat(call(c, "b").status()).isEqualTo(201);
    assertThat(connected.get()).isEqualTo(2);
  }

  @Test
  void cancellingACallThatWasSentClosesItsConnection() throws Exception {
    ApiChannels c = channels(4);
    delay = r -> Duration.ofSeconds(30);
    Ex ex = new Ex("slow", "h");
    var sub = c.call(ex).subscribe();
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (requests.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(requests).hasSize(1);
    assertThat(ex.written).isTrue();
    sub.dispose();
    until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while ((closed.get() == 0 || c.open() > 0) && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(closed.get()).isEqualTo(1);
    assertThat(c.open()).isZero();
  }

  @Test
  void cancellingACallAtItsGateSendsNothingAndKeepsTheConnection() throws Exception {
    ApiChannels c = channels(4);
    assertThat(call(c, "warm").status()).isEqualTo(201);
    Ex ex = new Ex("gated", "h");
    ex.gateNanos = Duration.ofSeconds(30).toNanos();
    var sub = c.call(ex).subscribe();
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (ex.passes == 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(c.idle()).isZero();
    sub.dispose();
    until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (c.idle() == 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(c.idle()).isEqualTo(1); // given back, not closed
    assertThat(call(c, "after").status()).isEqualTo(201);
    assertThat(requests).hasSize(2);
    assertThat(ex.written).isFalse();
    assertThat(connected.get()).isEqualTo(1);
    assertThat(closed.get()).isZero();
  }

  @Test
  void aWaitAtTheGateIsWaitedOnTheConnectionThenTheCallGoesOut() {
    ApiChannels c = channels(4);
    Ex ex = new Ex("waits", "h");
    ex.gateNanos = Duration.ofMillis(100).toNanos();
    long t0 = System.nanoTime();
    Reply r = c.call(ex).block(Duration.ofSeconds(10));
    assertThat(r.status()).isEqualTo(201);
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(ex.passes).isEqualTo(2);
  }

  @Test
  void closingFailsTheCallsWaitingForAConnectionAndClosesTheOpenOnes() throws Exception {
    ApiChannels c = channels(1);
    delay = r -> Duration.ofSeconds(30);
    List<Object> outcomes = new CopyOnWriteArrayList<>();
    c.call(new Ex("a", "h")).subscribe(outcomes::add, outcomes::add);
    c.call(new Ex("b", "h")).subscribe(outcomes::add, outcomes::add);
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (requests.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    c.close();
    until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (outcomes.size() < 2 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(outcomes).hasSize(2).allMatch(o -> o instanceof Throwable);
    assertThat(requests).hasSize(1);
  }

  @Test
  @SuppressWarnings("deprecation") // SelfSignedCertificate: fine for a test certificate
  void overTlsTheHostNameIsResolvedAndCheckedAndTheCallGoesThrough() throws Exception {
    SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
    server = server()
        .secure(spec -> spec.sslContext(reactor.netty.http.Http11SslContextSpec.forServer(cert.certificate(),
            cert.privateKey())))
        .bindNow();
    channels = new ApiChannels("localhost", server.port(), SslContextBuilder.forClient()
        .trustManager(cert.cert()).build(), 2, Duration.ofSeconds(2),
        Duration.ofSeconds(30));
    Reply r = channels.call(new Ex("tls", "localhost:" + server.port()))
        .block(Duration.ofSeconds(10));
    assertThat(r.status()).isEqualTo(201);
    assertThat(requests).hasSize(1);

    // the same certificate for a name it does not carry: refused before anything is sent (Netty 4.2
    // checks names by default; on 4.1, which an application's BOM may choose, ApiChannels does)
    ApiChannels wrongName = new ApiChannels("127.0.0.1", server.port(), SslContextBuilder.forClient()
        .trustManager(cert.cert()).build(), 2, Duration.ofSeconds(2),
        Duration.ofSeconds(30));
    try {
      Object o = wrongName.call(new Ex("x", "h")).map(Object.class::cast).onErrorResume(Mono::just)
          .block(Duration.ofSeconds(10));
      assertThat(o).isInstanceOf(javax.net.ssl.SSLException.class);
      assertThat(requests).hasSize(1);
    } finally {
      wrongName.close();
    }
  }
}
