package ai.bctrl.provisioner.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.model.RuntimeStatus;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/** The client against a minimal Reactor Netty server on an ephemeral port of 127.0.0.1. */
class BctrlClientTest {
  record Seen(String method, String uri, HttpHeaders headers, String body) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Map<String, Function<HttpServerRequest, Answer>> routes = new ConcurrentHashMap<>();
  private DisposableServer server;
  private BctrlClient client;

  record Answer(int status, Map<String, String> headers, String body, Duration delay) {
    static Answer of(int status, String body) {
      return new Answer(status, Map.of(), body, Duration.ZERO);
    }
  }

  private BctrlClient start(Duration timeout) {
    server = HttpServer.create().host("127.0.0.1").port(0)
        .handle((req, res) -> req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            .flatMap(body -> {
              seen.add(new Seen(req.method().name(), req.uri(), req.requestHeaders().copy(), body));
              Answer a = routes.getOrDefault(req.method().name(), r -> Answer.of(404, "{}")).apply(req);
              a.headers().forEach(res::header);
              return Mono.delay(a.delay()).then(res.status(a.status()).header("content-type", "application/json")
                  .sendString(Mono.just(a.body())).then());
            }))
        .bindNow();
    client = BctrlClient.create(URI.create("http://127.0.0.1:" + server.port() + "/"), "sk-test-secret", 4, timeout,
        Duration.ofSeconds(2), "provisioner/test", Schedulers.parallel());
    return client;
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.disposeNow();
    }
  }

  private static Item item() {
    return Item.of("batch:row-1#2", "sp 1", new CreateRuntimeRequest(null, "n-2", null, null, Map.of("team", "a"), null));
  }

  private static final String RUNTIME = "{\"id\":\"rt_1\",\"name\":\"n-2\",\"status\":\"active\","
      + "\"metadata\":{\"provisionerKey\":\"batch:row-1#2\"},\"requestId\":\"req_b\"}";

  @Test
  void aCreateSendsTheKeyAsIdempotencyKeyAndInTheBodyWithTheBearerAndUserAgent() {
    routes.put("POST", r -> Answer.of(201, RUNTIME));
    Reply reply = start(Duration.ofSeconds(5)).create(item()).block(Duration.ofSeconds(10));
    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.runtime().id()).isEqualTo("rt_1");
    assertThat(reply.runtime().status()).isEqualTo(RuntimeStatus.ACTIVE);
    assertThat(reply.requestId()).isEqualTo("req_b");
    Seen s = seen.get(0);
    assertThat(s.method()).isEqualTo("POST");
    assertThat(s.uri()).isEqualTo("/v1/spaces/sp%201/runtimes");
    assertThat(s.headers().get("Authorization")).isEqualTo("Bearer sk-test-secret");
    assertThat(s.headers().get("Idempotency-Key")).isEqualTo("batch:row-1#2");
    assertThat(s.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(s.headers().get("User-Agent")).isEqualTo("provisioner/test");
    assertThat(s.body()).isEqualTo(
        "{\"type\":\"browser\",\"name\":\"n-2\",\"metadata\":{\"team\":\"a\",\"provisionerKey\":\"batch:row-1#2\"}}");
  }

  @Test
  void anErrorAnswerCarriesTheApiErrorTheRequestIdHeaderAndRetryAfter() {
    routes.put("POST", r -> new Answer(429, Map.of("Retry-After", "3", "x-bctrl-request-id", "req_h"),
        "{\"error\":\"slow down\",\"code\":\"rate_limited\",\"reasonClass\":\"rate_limited\"}", Duration.ZERO));
    Reply reply = start(Duration.ofSeconds(5)).create(item()).block(Duration.ofSeconds(10));
    assertThat(reply.status()).isEqualTo(429);
    assertThat(reply.error().code()).isEqualTo("rate_limited");
    assertThat(reply.error().error()).isEqualTo("slow down");
    assertThat(reply.requestId()).isEqualTo("req_h");
    assertThat(reply.retryAfter()).isEqualTo("3");
  }

  @Test
  void a2xxWhoseBodyIsNotARuntimeHasNoRuntime() {
    routes.put("POST", r -> Answer.of(200, "{\"id\":"));
    Reply reply = start(Duration.ofSeconds(5)).create(item()).block(Duration.ofSeconds(10));
    assertThat(reply.isSuccess()).isTrue();
    assertThat(reply.runtime()).isNull();
  }

  @Test
  void aCallLongerThanTheRequestTimeoutIsATimeoutAfterTheRequestWasWritten() {
    java.util.concurrent.atomic.AtomicInteger posts = new java.util.concurrent.atomic.AtomicInteger();
    routes.put("POST", r -> new Answer(201, Map.of(), RUNTIME,
        posts.getAndIncrement() == 0 ? Duration.ZERO : Duration.ofSeconds(5)));
    BctrlClient c = start(Duration.ofSeconds(1));
    // a first, fast call warms the JVM and the connection: a cold call may not even be written in 1s
    assertThat(c.create(item()).block(Duration.ofSeconds(10)).status()).isEqualTo(201);
    Mono<Reply> call = c.create(item());
    Throwable e = call.map(Object.class::cast).onErrorResume(Mono::just).block(Duration.ofSeconds(10)) instanceof Throwable t
        ? t : null;
    assertThat(e).isInstanceOf(TransportException.class);
    TransportException te = (TransportException) e;
    assertThat(te.kind()).isEqualTo(TransportException.Kind.TIMEOUT);
    assertThat(te.requestWritten()).isTrue();
    assertThat(te.getMessage()).isEqualTo("no answer within the request timeout");
  }

  @Test
  void aTimeoutWhileTheRequestIsStillBeingWrittenCountsAsWrittenNotAsSafeToRepeat() throws Exception {
    // a server that accepts and never reads: a 16 MB body fills the socket buffers and its write
    // never completes, so the timeout fires after the body went to the channel but before the
    // write finished. Bytes have left; the server may yet read them all: not retry-safe.
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      s.setReceiveBufferSize(4096);
      Thread accept = new Thread(() -> {
        try {
          java.net.Socket held = s.accept();
          Thread.sleep(30_000);
          held.close();
        } catch (Exception e) {
          // the test is over
        }
      });
      accept.setDaemon(true);
      accept.start();
      client = BctrlClient.create(URI.create("http://127.0.0.1:" + s.getLocalPort()), "k", 2, Duration.ofMillis(800),
          Duration.ofSeconds(2), "provisioner/test", Schedulers.parallel());
      Item big = Item.of("big", "sp_1", new CreateRuntimeRequest(null, "big", null, null,
          Map.of("blob", "x".repeat(16 << 20)), null));
      Object r = client.create(big).map(Object.class::cast).onErrorResume(Mono::just).block(Duration.ofSeconds(10));
      assertThat(r).isInstanceOf(TransportException.class);
      TransportException te = (TransportException) r;
      assertThat(te.kind()).isEqualTo(TransportException.Kind.TIMEOUT);
      assertThat(te.requestWritten()).isTrue();
    }
  }

  @Test
  void aSendGateThatSaysNoSendsNothingAndEndsTheCallWithItsOwnError() {
    routes.put("POST", r -> Answer.of(201, RUNTIME));
    BctrlClient c = start(Duration.ofSeconds(5));
    IllegalStateException no = new IllegalStateException("the run is stopping");
    SendGate saysNo = () -> {
      throw no;
    };
    Object r = c.create(item(), null, saysNo).map(Object.class::cast).onErrorResume(Mono::just)
        .block(Duration.ofSeconds(10));
    assertThat(r).isSameAs(no);
    assertThat(seen).isEmpty();
  }

  @Test
  void theWaitAtTheSendGateDoesNotCountAgainstTheRequestTimeout() {
    routes.put("POST", r -> Answer.of(201, RUNTIME));
    BctrlClient c = start(Duration.ofSeconds(2));
    long opens = System.nanoTime() + Duration.ofMillis(2500).toNanos();
    SendGate waits = () -> Math.max(0, opens - System.nanoTime());
    Reply reply = c.create(item(), null, waits).block(Duration.ofSeconds(15));
    assertThat(reply.status()).isEqualTo(201);
    assertThat(seen).hasSize(1);
  }

  @Test
  void aTransportFailureWithoutAMessageSaysWhatItWasNeverNull() {
    // Reactor Netty leaves the address of a one-digit port unresolved; NIO then throws without a message
    TransportException unresolved = BctrlClient.transportError(new java.nio.channels.UnresolvedAddressException(),
        false, false);
    assertThat(unresolved.kind()).isEqualTo(TransportException.Kind.CONNECT);
    assertThat(unresolved.requestWritten()).isFalse();
    assertThat(unresolved.getMessage()).isEqualTo("could not connect: the address cannot be resolved");
    TransportException other = BctrlClient.transportError(new IllegalStateException(), true, true);
    assertThat(other.getMessage()).isEqualTo("IllegalStateException");
    assertThat(BctrlClient.transportError(new IllegalStateException("bad frame"), true, true).getMessage())
        .isEqualTo("bad frame");
  }

  @Test
  void aRefusedConnectionIsAConnectFailureNothingWasSent() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    client = BctrlClient.create(URI.create("http://127.0.0.1:" + port), "k", 2, Duration.ofSeconds(2),
        Duration.ofSeconds(2), "provisioner/test", Schedulers.parallel());
    Object r = client.create(item()).map(Object.class::cast).onErrorResume(Mono::just).block(Duration.ofSeconds(10));
    assertThat(r).isInstanceOf(TransportException.class);
    assertThat(((TransportException) r).kind()).isEqualTo(TransportException.Kind.CONNECT);
    assertThat(((TransportException) r).requestWritten()).isFalse();
    assertThat(((TransportException) r).getMessage()).doesNotContain("k\"");
  }

  @Test
  void aListingFollowsNextCursorAndReadsRuntimesOrData() {
    routes.put("GET", r -> r.uri().contains("cursor=")
        ? Answer.of(200, "{\"data\":[{\"id\":\"rt_2\",\"status\":\"starting\",\"metadata\":{\"provisionerKey\":\"k2\"}}],"
            + "\"nextCursor\":null}")
        : Answer.of(200, "{\"runtimes\":[{\"id\":\"rt_1\",\"status\":\"stopped\",\"metadata\":{\"provisionerKey\":\"k1\"}},"
            + "{\"no\":\"id\"}],\"nextCursor\":\"a b/c\"}"));
    BctrlClient c = start(Duration.ofSeconds(5));
    ListPage first = c.listPage("sp", null).block(Duration.ofSeconds(10));
    assertThat(first.runtimes()).extracting(ai.bctrl.provisioner.model.BrowserRuntime::id).containsExactly("rt_1");
    assertThat(first.runtimes().get(0).status()).isEqualTo(RuntimeStatus.STOPPED);
    assertThat(first.nextCursor()).isEqualTo("a b/c");
    ListPage second = c.listPage("sp", first.nextCursor()).block(Duration.ofSeconds(10));
    assertThat(second.runtimes()).singleElement().satisfies(rt -> {
      assertThat(rt.provisionerKey()).isEqualTo("k2");
      assertThat(rt.status()).isNull();
    });
    assertThat(second.nextCursor()).isNull();
    assertThat(seen).extracting(Seen::uri).containsExactly("/v1/spaces/sp/runtimes", "/v1/spaces/sp/runtimes?cursor=a+b%2Fc");
  }

  @Test
  void aListingWhoseNextCursorIsANumberIsFollowedNotTakenForTheLastPage() {
    // read as absent, a numeric cursor ended the listing after its first page: the keys on the
    // pages after it were never seen, and a settle listing would have said "not there"
    routes.put("GET", r -> r.uri().contains("cursor=")
        ? Answer.of(200, "{\"data\":[],\"nextCursor\":null}")
        : Answer.of(200, "{\"data\":[],\"nextCursor\":100}"));
    ListPage first = start(Duration.ofSeconds(5)).listPage("sp", null).block(Duration.ofSeconds(10));
    assertThat(first.nextCursor()).isEqualTo("100");
  }

  @Test
  void aListingWhoseNextCursorIsNeitherTextNorNumberIsNotAListing() {
    routes.put("GET", r -> Answer.of(200, "{\"data\":[],\"nextCursor\":{\"after\":\"x\"}}"));
    Object r = start(Duration.ofSeconds(5)).listPage("sp", null).map(Object.class::cast).onErrorResume(Mono::just)
        .block(Duration.ofSeconds(10));
    assertThat(r).isInstanceOf(ListingException.class);
    assertThat(((ListingException) r).getMessage())
        .isEqualTo("listing answered HTTP 200 with a nextCursor that is not a cursor: {\"after\":\"x\"}");
  }

  @Test
  void aRuntimeWhoseCapabilitiesHoldAnObjectStillReadsAndHidesNoOtherRuntimeOfTheListing() {
    // Jackson 3's asString() throws on an object: one such runtime in a space made every listing
    // of it fail (so all its items ended unknown) and turned a 201 for it into an uncertain answer
    String odd = "{\"id\":\"rt_1\",\"status\":\"active\",\"capabilities\":[\"cdp\",{\"name\":\"x\"},[1],7],"
        + "\"metadata\":{\"provisionerKey\":\"batch:row-1#2\"}}";
    routes.put("GET", r -> Answer.of(200, "{\"data\":[" + odd + ",{\"id\":\"rt_2\",\"status\":\"active\","
        + "\"metadata\":{\"provisionerKey\":\"k2\"}}],\"nextCursor\":null}"));
    routes.put("POST", r -> Answer.of(201, odd));
    BctrlClient c = start(Duration.ofSeconds(5));
    ListPage page = c.listPage("sp", null).block(Duration.ofSeconds(10));
    assertThat(page.runtimes()).extracting(ai.bctrl.provisioner.model.BrowserRuntime::provisionerKey)
        .containsExactly("batch:row-1#2", "k2");
    assertThat(page.runtimes().get(0).capabilities()).containsExactly("cdp");
    Reply reply = c.create(item()).block(Duration.ofSeconds(10));
    assertThat(reply.runtime()).isNotNull();
    assertThat(reply.runtime().id()).isEqualTo("rt_1");
  }

  @Test
  void aListingAnsweredWithAnErrorIsAListingException() {
    routes.put("GET", r -> new Answer(503, Map.of("x-request-id", "req_l"), "{\"error\":\"busy\"}", Duration.ZERO));
    Object r = start(Duration.ofSeconds(5)).listPage("sp", null).map(Object.class::cast).onErrorResume(Mono::just)
        .block(Duration.ofSeconds(10));
    assertThat(r).isInstanceOf(ListingException.class);
    ListingException le = (ListingException) r;
    assertThat(le.getMessage()).isEqualTo("listing answered HTTP 503: busy");
    assertThat(le.reply().status()).isEqualTo(503);
    assertThat(le.reply().requestId()).isEqualTo("req_l");
  }

  @Test
  @SuppressWarnings("deprecation") // SelfSignedCertificate: fine for a test certificate
  void anHttpsServerWithAnUntrustedCertificateIsRefusedBeforeAnythingIsSent() throws Exception {
    io.netty.handler.ssl.util.SelfSignedCertificate cert = new io.netty.handler.ssl.util.SelfSignedCertificate("localhost");
    server = HttpServer.create().host("127.0.0.1").port(0)
        .secure(spec -> spec.sslContext(reactor.netty.http.Http2SslContextSpec.forServer(cert.certificate(), cert.privateKey())))
        .protocol(reactor.netty.http.HttpProtocol.H2, reactor.netty.http.HttpProtocol.HTTP11)
        .handle((req, res) -> {
          seen.add(new Seen(req.method().name(), req.uri(), req.requestHeaders().copy(), ""));
          return res.sendString(Mono.just(RUNTIME));
        })
        .bindNow();
    client = BctrlClient.create(URI.create("https://127.0.0.1:" + server.port()), "k", 2, Duration.ofSeconds(5),
        Duration.ofSeconds(2), "provisioner/test", Schedulers.parallel());
    Object r = client.create(item()).map(Object.class::cast).onErrorResume(Mono::just).block(Duration.ofSeconds(10));
    assertThat(r).isInstanceOf(TransportException.class);
    TransportException te = (TransportException) r;
    assertThat(te.kind()).isEqualTo(TransportException.Kind.OTHER);
    assertThat(te.requestWritten()).isFalse();
    assertThat(te.getMessage()).startsWith("TLS failed: ");
    assertThat(seen).isEmpty();
  }

  @Test
  void closingOnANonBlockingThreadStillReleasesThePool() {
    // close() blocked on the pool's disposal, which Reactor refuses on its non-blocking threads
    // (say a library user closing in doFinally): it threw and the pool was never released
    routes.put("GET", r -> Answer.of(200, "{\"data\":[],\"nextCursor\":null}"));
    BctrlClient c = start(Duration.ofSeconds(5));
    c.listPage("sp", null).block(Duration.ofSeconds(10)); // the pool now holds a connection
    assertThat(c.isClosed()).isFalse();
    Mono.fromRunnable(c::close).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10));
    assertThat(c.isClosed()).isTrue();
  }

  @Test
  void theDefaultUserAgentNamesTheVersionOrDev() {
    assertThat(BctrlClient.defaultUserAgent()).matches("provisioner/(dev|[0-9].*)");
  }
}
