package ai.bctrl.provisioner.internal.client;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.model.ApiError;
import ai.bctrl.provisioner.model.BrowserRuntime;
import ai.bctrl.provisioner.model.RuntimeStatus;
import ai.bctrl.provisioner.model.WireEnum;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bctrl runtimes API over {@link ApiChannels}: HTTP/1.1 connections of its own on Netty, at
 * most {@code maxConnections} (the engine's concurrency plus a little room for listings), kept alive
 * and closed after 30 s idle (below common server and load-balancer idle timeouts, so we do not
 * write onto a connection the server is closing). HTTPS verifies certificates and the host name.
 * There is no silent retry: every attempt is the engine's. Each call is bounded as a whole by the
 * request timeout, not only between reads.
 *
 * <p>Cold: nothing is sent until a returned {@code Mono} is subscribed; cancelling it aborts the
 * call and closes its connection. {@link #close()} closes every connection.
 */
public final class BctrlClient implements RuntimeApi, AutoCloseable {

  /** How long an idle pooled connection is kept. */
  static final Duration MAX_IDLE = Duration.ofSeconds(30);

  private static final String[] REQUEST_ID_HEADERS = {"x-request-id", "x-bctrl-request-id"};
  private static final byte[] EMPTY = new byte[0];
  static final byte[] PRIMER = "{\"error\":\"primer\",\"code\":\"rate_limited\",\"requestId\":\"req_0\"}"
      .getBytes(StandardCharsets.UTF_8);
  private static final int MAX_SPACES_KEPT = 1024;
  /**
   * What a timed-out call signals. A fallback rather than {@code timeout(Duration)}'s own error,
   * which names the timed-out chain anew at every subscription.
   */
  private static final Mono<Reply> TIMED_OUT =
      Mono.error(() -> new TimeoutException("no answer within the request timeout"));

  private final Duration requestTimeout;
  private final Scheduler timer;
  private final JsonMapper json;
  private final ObjectWriter requestWriter;
  private final CreatedReader createdReader;
  private final ObjectReader errorReader;
  /** The connections. */
  private final ApiChannels channels;
  /** The headers every call carries. */
  private final HttpHeaders headers;
  /** The headers every create carries. */
  private final HttpHeaders createHeaders;
  /** The base URL's own path, before {@code /v1/...}: empty, or {@code /something}. */
  private final String pathPrefix;
  /** The path of creates into each space (a few hundred spaces at most kept). */
  private final Map<String, String> createPaths = new ConcurrentHashMap<>();

  private BctrlClient(ApiChannels channels, HttpHeaders headers, String pathPrefix,
      Duration requestTimeout, Scheduler timer) {
    this.pathPrefix = pathPrefix;
    this.channels = channels;
    this.headers = headers;
    this.createHeaders = new DefaultHttpHeaders().set(headers).set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    this.requestTimeout = requestTimeout;
    this.timer = timer;
    this.json = ClientJson.MAPPER;
    this.requestWriter = ClientJson.REQUEST_WRITER;
    this.createdReader = ClientJson.CREATED;
    this.errorReader = ClientJson.ERROR_READER;
    // An error answer read once now: the first one would otherwise pay for building the reading of
    // errors (tens of milliseconds, more on a busy machine), and it is often a 429, which should
    // slow the starts at once rather than after calls have gone on at the old rate. (The
    // executable's warm-up has read one already, off the main thread: then this costs little.)
    toReply(429, new DefaultHttpHeaders().set(HttpHeaderNames.RETRY_AFTER, "1"), PRIMER);
  }

  /**
   * A client for {@code baseUrl}.
   *
   * @param maxConnections size of the connection pool
   * @param requestTimeout bound on each whole call (connect, send, wait, read)
   * @param connectTimeout bound on making a connection
   * @param userAgent the {@code User-Agent} header
   * @param timer where the request timeout is measured
   */
  public static BctrlClient create(URI baseUrl, String apiKey, int maxConnections, Duration requestTimeout,
      Duration connectTimeout, String userAgent, Scheduler timer) {
    Objects.requireNonNull(apiKey, "apiKey");
    String scheme = String.valueOf(baseUrl.getScheme()).toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("baseUrl must be an http or https URL but was " + baseUrl);
    }
    if (baseUrl.getHost() == null || baseUrl.getHost().isEmpty()) {
      throw new IllegalArgumentException("baseUrl must name a host but was " + baseUrl);
    }
    SslContext ssl = scheme.equals("https") ? tls() : null;
    int port = baseUrl.getPort() > 0 ? baseUrl.getPort() : scheme.equals("https") ? 443 : 80;
    String hostHeader = baseUrl.getHost() + (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : "");
    ApiChannels channels = new ApiChannels(baseUrl.getHost(), port, ssl, maxConnections, connectTimeout, MAX_IDLE);
    String prefix = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath().replaceAll("/+$", "");
    return new BctrlClient(channels, ApiChannels.commonHeaders(hostHeader, apiKey, userAgent), prefix,
        requestTimeout, timer);
  }

  /**
   * TLS: the JVM's trusted certificates, the host name checked against the certificate, and
   * HTTP/1.1 (no ALPN offered: a connection carries one call at a time).
   */
  private static SslContext tls() {
    try {
      return SslContextBuilder.forClient().build(); // the host name is checked by ApiChannels
    } catch (javax.net.ssl.SSLException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /**
   * {@code provisioner/<version>}: the version the build wrote into {@code version.properties}
   * (so the library jar has it, not only the executable's manifest), or {@code dev} without it.
   */
  public static String defaultUserAgent() {
    String v = null;
    try (var in = BctrlClient.class.getResourceAsStream("/ai/bctrl/provisioner/internal/version.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        v = p.getProperty("version");
      }
    } catch (IOException | IllegalArgumentException e) {
      v = null;
    }
    return "provisioner/" + (v == null || v.isBlank() || v.startsWith("${") ? "dev" : v.strip());
  }

  /**
   * The body of {@code item}'s create calls, serialized once: the engine calls it on the thread
   * that reads the items, never on a Netty thread, and hands the bytes to every attempt.
   */
  @Override
  public byte[] body(Item item) {
    return requestWriter.writeValueAsBytes(item.request());
  }

  @Override
  public Mono<Reply> create(Item item) {
    return create(item, null, SendGate.OPEN);
  }

  /**
   * One create call. Everything that is the same for every call (method, URI of the space, headers,
   * how the body is sent and the answer read) is configured once per space; the call's own state
   * (its key, its body, its gate, how far the body got) travels in the subscriber context to
   * {@link #SEND}. The request timeout bounds the whole call but for the time it waited at its gate.
   */
  @Override
  public Mono<Reply> create(Item item, byte[] body, SendGate gate) {
    return Mono.defer(() -> {
      Call call = new Call(item.key(), body != null ? body : body(item), gate, createPath(item.spaceId()));
      return channels.call(call)
          .timeout(Mono.delay(requestTimeout, timer).then(Mono.defer(call::extraTime)), TIMED_OUT)
          .onErrorMap(e -> !(e instanceof TransportException) && !call.stoppedAtGate,
              e -> transportError(e, call.handed, call.written));
    });
  }

  /** The state of one create call. */
  final class Call implements ApiChannels.Exchange<Reply> {
    final String key;
    final byte[] body;
    final SendGate gate;
    final String path;
    /** When it got to its gate (timer nanos), or -1. */
    volatile long atGateSince = -1;
    /** How long it waited at its gate, once through (nanoseconds), or -1: time the timeout does not count. */
    volatile long waited = -1;
    /** Its gate said no: the error is the gate's, passed on as it is. */
    volatile boolean stoppedAtGate;
    /** The body went to the channel (see {@link #transportError}). */
    volatile boolean handed;
    /** Its write completed. */
    volatile boolean written;

    Call(String key, byte[] body, SendGate gate, String path) {
      this.key = key;
      this.body = body;
      this.gate = gate;
      this.path = path;
    }

    @Override
    public FullHttpRequest request() {
      handed = true;
      return ApiChannels.request(HttpMethod.POST, path, createHeaders, key, body);
    }

    @Override
    public void written() {
      written = true;
    }

    @Override
    public Reply read(int status, HttpHeaders headers, byte[] bytes) {
      return toReply(status, headers, bytes.length == 0 ? EMPTY : bytes);
    }

    /** Asks the gate; 0 when through (the request is written next), else nanoseconds to wait. */
    @Override
    public long tryPass() {
      long now = timer.now(TimeUnit.NANOSECONDS);
      if (atGateSince < 0) {
        atGateSince = now;
      }
      long wait;
      try {
        wait = gate.tryPass();
      } catch (RuntimeException e) {
        stoppedAtGate = true;
        throw e;
      }
      if (wait <= 0) {
        waited = now - atGateSince;
      }
      return wait;
    }

    /**
     * When the request timeout has run out: how much longer the call may take, for its wait at the
     * gate (still waiting there, nothing sent: the timeout starts over).
     */
    Mono<Long> extraTime() {
      long w = waited;
      if (w < 0 && atGateSince >= 0) {
        return Mono.delay(requestTimeout, timer).then(Mono.defer(this::extraTime));
      }
      return w <= 0 ? Mono.empty() : Mono.delay(Duration.ofNanos(w), timer);
    }
  }

  /** The path of creates into {@code spaceId}. */
  private String createPath(String spaceId) {
    String p = createPaths.get(spaceId);
    if (p == null) {
      p = pathPrefix + "/v1/spaces/" + encodePath(spaceId) + "/runtimes";
      if (createPaths.size() < MAX_SPACES_KEPT) {
        createPaths.putIfAbsent(spaceId, p);
      }
    }
    return p;
  }

  @Override
  public Mono<ListPage> listPage(String spaceId, String cursor) {
    return Mono.defer(() -> {
      String uri = pathPrefix + "/v1/spaces/" + encodePath(spaceId) + "/runtimes"
          + (cursor == null ? "" : "?cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      return channels.call(exchange(HttpMethod.GET, uri, this::toPage))
          .timeout(requestTimeout, timer)
          .onErrorMap(e -> !(e instanceof TransportException || e instanceof ListingException),
              e -> transportError(e, true, true));
    });
  }

  /**
   * {@code POST /v1/runtimes/{runtimeId}/stop}, without a body. Stop is safe to repeat (a second one
   * answers 409 {@code runtime.not_active}), so a transport failure is reported as it is, without
   * telling whether the request was written: the engine simply retries it.
   */
  @Override
  public Mono<Reply> stop(String runtimeId) {
    return runtimeCall(HttpMethod.POST, pathPrefix + "/v1/runtimes/" + encodePath(runtimeId) + "/stop");
  }

  /** {@code DELETE /v1/runtimes/{runtimeId}}; safe to repeat (a second one answers 404), as {@link #stop}. */
  @Override
  public Mono<Reply> delete(String runtimeId) {
    return runtimeCall(HttpMethod.DELETE, pathPrefix + "/v1/runtimes/" + encodePath(runtimeId));
  }

  /** One call on a runtime by its id: its answer, bounded by the request timeout; never its body as a runtime. */
  private Mono<Reply> runtimeCall(HttpMethod method, String uri) {
    return Mono.defer(() -> channels.call(exchange(method, uri, (status, h, bytes) -> withoutRuntime(toReply(status, h,
            bytes))))
        .timeout(requestTimeout, timer)
        .onErrorMap(e -> !(e instanceof TransportException), e -> transportError(e, true, true)));
  }

  /** How an answer is read. */
  private interface Reading<T> {
    T read(int status, HttpHeaders headers, byte[] body);
  }

  /** A call without a body, a gate or a key. */
  private <T> ApiChannels.Exchange<T> exchange(HttpMethod method, String uri, Reading<T> reading) {
    return new ApiChannels.Exchange<>() {
      @Override
      public FullHttpRequest request() {
        return ApiChannels.request(method, uri, headers, null, null);
      }

      @Override
      public T read(int status, HttpHeaders answerHeaders, byte[] body) {
        return reading.read(status, answerHeaders, body);
      }
    };
  }

  private static Reply withoutRuntime(Reply r) {
    return r.runtime() == null ? r : new Reply(r.status(), null, r.error(), r.requestId(), r.retryAfter());
  }

  /**
   * Closes every connection: waits (up to 5 s) for them to close, except on a thread where Reactor
   * forbids blocking (a Netty or parallel thread), where it starts closing them and returns.
   */
  @Override
  public void close() {
    if (Schedulers.isInNonBlockingThread()) {
      channels.close();
    } else {
      channels.closeAsync().block(Duration.ofSeconds(5));
    }
  }

  /** Closes every connection without blocking; completes when they are closed. */
  public Mono<Void> closeAsync() {
    return Mono.defer(channels::closeAsync);
  }

  /** Whether {@link #close()} has been called. */
  boolean isClosed() {
    return channels.isClosed();
  }

  Reply toReply(int status, HttpHeaders headers, byte[] body) {
    String retryAfter = headers.get(HttpHeaderNames.RETRY_AFTER);
    String headerId = headerRequestId(headers);
    if (status >= 200 && status < 300) {
      CreatedReader.Created c = createdReader.read(body);
      return new Reply(status, c.runtime(), null, c.requestId() != null ? c.requestId() : headerId, retryAfter);
    }
    JsonNode node = readTree(body);
    ApiError error = null;
    if (node != null && node.isObject()) {
      try {
        error = errorReader.readValue(node);
      } catch (JacksonException e) {
        error = null;
      }
    }
    String id = error != null && error.requestId() != null ? error.requestId() : headerId;
    return new Reply(status, null, error, id, retryAfter);
  }

  ListPage toPage(int status, HttpHeaders headers, byte[] body) {
    JsonNode node = readTree(body);
    if (status < 200 || status >= 300) {
      Reply r = toReply(status, headers, body);
      throw new ListingException("listing answered HTTP " + status
          + (r.error() != null && r.error().error() != null ? ": " + r.error().error() : ""), r);
    }
    JsonNode array = null;
    String next = null;
    if (node != null && node.isArray()) {
      array = node;
    } else if (node != null && node.isObject()) {
      array = node.get("runtimes") != null && node.get("runtimes").isArray() ? node.get("runtimes") : node.get("data");
      // a cursor we cannot read must not pass for "no more pages": the rest would go unseen
      JsonNode cursor = node.get("nextCursor");
      if (cursor != null && !cursor.isNull()) {
        if (!cursor.isString() && !cursor.isIntegralNumber()) {
          throw new ListingException("listing answered HTTP " + status + " with a nextCursor that is not a cursor: "
              + cursor, new Reply(status, null, null, headerRequestId(headers), null));
        }
        next = cursor.asString();
      }
    }
    if (array == null || !array.isArray()) {
      throw new ListingException("listing answered HTTP " + status + " with a body that is not a listing",
          new Reply(status, null, null, headerRequestId(headers), null));
    }
    List<BrowserRuntime> runtimes = new ArrayList<>(array.size());
    for (JsonNode e : array) {
      BrowserRuntime r = toRuntime(e);
      if (r != null) {
        runtimes.add(r);
      }
    }
    return new ListPage(runtimes, next == null || next.isEmpty() ? null : next);
  }

  private JsonNode readTree(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return json.readTree(body);
    } catch (JacksonException e) {
      return null;
    }
  }

  /**
   * A runtime read leniently: an unknown status becomes {@code null} rather than an error, so one
   * odd element never hides the rest of a listing. Without an {@code id} it is not a runtime.
   */
  @SuppressWarnings("unchecked")
  BrowserRuntime toRuntime(JsonNode n) {
    if (n == null || !n.isObject() || text(n, "id") == null) {
      return null;
    }
    String status = text(n, "status");
    Map<String, Object> metadata = null;
    JsonNode m = n.get("metadata");
    if (m != null && m.isObject()) {
      metadata = json.convertValue(m, LinkedHashMap.class);
    }
    List<String> caps = null;
    JsonNode c = n.get("capabilities");
    if (c != null && c.isArray()) {
      caps = new ArrayList<>();
      for (JsonNode x : c) {
        if (x.isString()) { // asString() throws on an object or array: skip what is not a name
          caps.add(x.asString());
        }
      }
    }
    return new BrowserRuntime(text(n, "id"), text(n, "name"), text(n, "spaceId"),
        status == null ? null : WireEnum.fromWire(RuntimeStatus.class, status).orElse(null),
        text(n, "kind"), text(n, "type"), text(n, "region"), text(n, "createdAt"), text(n, "updatedAt"),
        caps, metadata);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isString() ? null : v.asString();
  }

  private static String headerRequestId(HttpHeaders headers) {
    for (String h : REQUEST_ID_HEADERS) {
      String v = headers.get(h);
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  static String encodePath(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Maps a transport failure to a {@link TransportException}; never carries the key. {@code handed}:
   * the body went to the channel; {@code written}: its write completed. A failed write is retry-safe
   * (the server has no whole request), but a timeout racing the write cannot tell whether the bytes
   * left, so once the body was handed over a timeout counts as after the request was written.
   */
  static TransportException transportError(Throwable e, boolean handed, boolean written) {
    if (e instanceof TimeoutException) {
      return new TransportException(TransportException.Kind.TIMEOUT, handed, "no answer within the request timeout", e);
    }
    if (e instanceof ConnectException || e instanceof ConnectTimeoutException || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException) {
      return new TransportException(TransportException.Kind.CONNECT, false, "could not connect: " + messageOf(e), e);
    }
    if (e instanceof java.nio.channels.UnresolvedAddressException) { // thrown before connecting, without a message
      return new TransportException(TransportException.Kind.CONNECT, false,
          "could not connect: the address cannot be resolved", e);
    }
    if (e instanceof javax.net.ssl.SSLException) {
      return new TransportException(TransportException.Kind.OTHER, written, "TLS failed: " + messageOf(e), e);
    }
    if (e instanceof ClosedChannelException || e instanceof IOException) {
      return new TransportException(TransportException.Kind.RESET, written,
          written ? "connection closed after the request was sent" : "connection closed before the request was sent", e);
    }
    return new TransportException(TransportException.Kind.OTHER, written, messageOf(e), e);
  }

  /** What a user can read of {@code e}: its message, or its kind when it has none (never "null"). */
  private static String messageOf(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
