package ai.bctrl.provisioner.internal.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.buffer.Unpooled;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

/**
 * The client's connections: HTTP/1.1 on Netty channels, kept alive, one call at a time on each, at
 * most {@code maxConnections} open, on Reactor Netty's event loops.
 *
 * <p>Why not Reactor Netty's {@code HttpClient}: a create is the call a run makes thousands of
 * times, and per call {@code HttpClient} acquires from its pool through a chain of operators,
 * builds a {@code ChannelOperations}, adds and removes its handlers and copies its header maps.
 * Profiled at latency 0, that was more than half of a run's CPU and twice the cost of the same
 * calls on Netty alone (docs/performance.md); and its classes were some 600 of those loaded before
 * a run's first request. Here each connection keeps one pipeline (TLS, the HTTP codec, an
 * aggregator and one {@link Handler}) for its whole life, and a call is a request written and an
 * answer read.
 *
 * <p>A call gets a connection (an idle one, else a new one while fewer than the most are open,
 * else it waits for one to be released), then, on the connection's event loop, passes its gate
 * ({@link Exchange#tryPass}, waiting there if told to), writes its request and waits for the
 * answer. A connection found closed before anything was sent on it is replaced, twice at most.
 * Cancelling a call that has written closes its connection, since its answer may still come; one
 * that has not gives its connection back. A connection is closed after {@code maxIdle} idle, after
 * 10 minutes of life at its next release, and when an answer says {@code Connection: close}. Host
 * names are resolved off the event loops (the system's resolver may block), once per new
 * connection. Answers are read whole, up to 4 MB. Over TLS, the host name is checked against the
 * certificate.
 */
final class ApiChannels implements AutoCloseable {
  private static final Duration MAX_LIFE = Duration.ofMinutes(10);
  private static final int MAX_ANSWER_BYTES = 4 << 20;

  /**
   * What a call needs from its owner: the request, and how its answer is read.
   *
   * @param <T> what an answer is read into
   */
  interface Exchange<T> {
    /** Asks the call's gate: 0 when through, else nanoseconds to wait; throws when it must not send. */
    default long tryPass() {
      return 0;
    }

    /** The request to write, built once the gate let it through (the body counted as handed over). */
    FullHttpRequest request();

    /** Its write completed. */
    default void written() {
    }

    /**
     * Its answer, read on the event loop. An exception thrown here ends the call with it; the
     * connection, whose exchange was complete, is kept.
     */
    T read(int status, HttpHeaders headers, byte[] body);
  }

  private final Bootstrap bootstrap;
  private final String host;
  private final int port;
  private final InetSocketAddress literal;
  private final SslContext ssl;
  private final int maxConnections;
  private final long maxLifeNanos = MAX_LIFE.toNanos();

  private final ArrayDeque<Channel> idle = new ArrayDeque<>();
  private final ArrayDeque<Call<?>> waiting = new ArrayDeque<>();
  private final Set<Channel> all = ConcurrentHashMap.newKeySet();
  private int open;
  private boolean closed;

  /**
   * Connections to {@code host:port}, over TLS when {@code ssl} is given.
   *
   * @param ssl the client's TLS context, or {@code null} for plain HTTP
   */
  ApiChannels(String host, int port, SslContext ssl, int maxConnections, Duration connectTimeout, Duration maxIdle) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    this.host = bare;
    this.port = port;
    this.ssl = ssl;
    this.maxConnections = maxConnections;
    InetAddress ip = NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare)
        ? NetUtil.createInetAddressFromIpAddressString(bare) : null;
    this.literal = ip == null ? null : new InetSocketAddress(ip, port);
    LoopResources loops = HttpResources.get();
    EventLoopGroup group = loops.onClient(LoopResources.DEFAULT_NATIVE);
    long idleMillis = maxIdle.toMillis();
    this.bootstrap = new Bootstrap()
        .group(group)
        .channel(loops.onChannelClass(SocketChannel.class, group))
        .resolver(NoopAddressResolverGroup.INSTANCE) // addresses come resolved, never on an event loop
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (ssl != null) {
              // the host name checked against the certificate, set on the engine itself (so on
              // Netty 4.1 too, whose context builder may not offer it)
              SslHandler tls = ssl.newHandler(ch.alloc(), bare, port);
              SSLParameters params = tls.engine().getSSLParameters();
              params.setEndpointIdentificationAlgorithm("HTTPS");
              tls.engine().setSSLParameters(params);
              ch.pipeline().addLast(tls);
            }
            ch.pipeline().addLast(
                new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS),
                new HttpClientCodec(),
                new HttpObjectAggregator(MAX_ANSWER_BYTES),
                new Handler());
          }
        });
  }

  /**
   * One call: gets a connection, passes the gate, writes the request, emits the answer. Errors with
   * what the transport threw (the caller maps it); cancelling aborts it.
   */
  <T> Mono<T> call(Exchange<T> exchange) {
    return Mono.create(sink -> {
      Call<T> c = new Call<>(sink, exchange);
      sink.onCancel(c::cancel);
      acquire(c);
    });
  }

  /** Connections open now (idle or in use), for tests. */
  synchronized int open() {
    return open;
  }

  /** Connections open and idle now, for tests. */
  synchronized int idle() {
    return idle.size();
  }

  /** Whether {@link #close()} was called. */
  synchronized boolean isClosed() {
    return closed;
  }

  /** {@link #close()}, then completes once every connection is closed. */
  Mono<Void> closeAsync() {
    close();
    return Mono.when(all.stream()
        .map(ch -> Mono.<Void>create(s -> ch.closeFuture().addListener(f -> s.success())))
        .toList());
  }

  /** Closes every connection; calls waiting for one fail. */
  @Override
  public void close() {
    ArrayDeque<Call<?>> failed;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      idle.clear();
      failed = new ArrayDeque<>(waiting);
      waiting.clear();
    }
    for (Channel ch : all) {
      ch.close();
    }
    for (Call<?> c : failed) {
      c.fail(new IllegalStateException("the client is closed"));
    }
  }

  private void acquire(Call<?> c) {
    Channel ch;
    boolean connect = false;
    synchronized (this) {
      if (closed) {
        ch = null;
      } else {
        ch = idle.pollLast();
        if (ch == null) {
          if (open < maxConnections) {
            open++;
            connect = true;
          } else {
            waiting.addLast(c);
            return;
          }
        }
      }
    }
    if (ch != null) {
      c.accept(ch);
    } else if (connect) {
      connect(c);
    } else {
      c.fail(new IllegalStateException("the client is closed"));
    }
  }

  private void connect(Call<?> c) {
    if (literal != null) {
      connect(c, literal);
    } else {
      // a host name: resolved off the event loops, since the system's resolver may block
      Mono.fromCallable(() -> {
            InetSocketAddress a = new InetSocketAddress(host, port);
            if (a.isUnresolved()) {
              throw new java.net.UnknownHostException(host + ": the host name cannot be resolved");
            }
            return a;
          })
          .subscribeOn(Schedulers.boundedElastic())
          .subscribe(a -> connect(c, a), e -> connectFailed(c, e));
    }
  }

  private void connect(Call<?> c, InetSocketAddress address) {
    ChannelFuture f;
    try {
      f = bootstrap.connect(address);
    } catch (RuntimeException e) {
      connectFailed(c, e);
      return;
    }
    Channel ch = f.channel();
    all.add(ch);
    ch.closeFuture().addListener(x -> {
      all.remove(ch);
      synchronized (this) {
        open--;
        idle.remove(ch);
      }
      serveWaiting();
    });
    f.addListener(done -> {
      if (!done.isSuccess()) {
        ch.close();
        c.fail(done.cause());
        return;
      }
      SslHandler tls = ch.pipeline().get(SslHandler.class);
      if (tls == null) {
        c.accept(ch);
        return;
      }
      tls.handshakeFuture().addListener(hs -> {
        if (hs.isSuccess()) {
          c.accept(ch);
        } else {
          ch.close();
          c.fail(hs.cause());
        }
      });
    });
    synchronized (this) {
      if (closed) {
        ch.close();
      }
    }
  }

  /** No channel was made for {@code c}'s connection: its place is free again, and {@code c} fails. */
  private void connectFailed(Call<?> c, Throwable e) {
    synchronized (this) {
      open--;
    }
    c.fail(e);
    serveWaiting();
  }

  /** The handler of a connection's pipeline ({@link Handler}, always last), or {@code null} once it is gone. */
  private static Handler handler(Channel ch) {
    return ch.pipeline().last() instanceof Handler h ? h : null;
  }

  /** Gives {@code ch} back after a call: to a waiting call, to the idle ones, or closes it. */
  private void release(Channel ch, boolean reusable) {
    Handler h = handler(ch);
    if (!reusable || !ch.isActive() || h == null || System.nanoTime() - h.born > maxLifeNanos) {
      ch.close();
      return;
    }
    Call<?> next;
    synchronized (this) {
      if (closed) {
        next = null;
      } else {
        next = waiting.pollFirst();
        if (next == null) {
          idle.addLast(ch);
          return;
        }
      }
    }
    if (next == null) {
      ch.close();
    } else {
      next.accept(ch);
    }
  }

  /** After a connection closed or failed to open: a waiting call gets a new one, if it may. */
  private void serveWaiting() {
    Call<?> c;
    Channel ch = null;
    synchronized (this) {
      if (closed || waiting.isEmpty()) {
        return;
      }
      ch = idle.pollLast();
      if (ch == null && open >= maxConnections) {
        return;
      }
      c = waiting.pollFirst();
      if (ch == null) {
        open++;
      }
    }
    if (ch != null) {
      c.accept(ch);
    } else {
      connect(c);
    }
  }

  /** One call's state. Past {@link #accept}, every step runs on its connection's event loop. */
  private final class Call<T> {
    private static final int NEW = 0;
    private static final int SENT = 1;
    private static final int DONE = 2;

    final MonoSink<T> sink;
    final Exchange<T> exchange;
    /** Set once by {@link #accept}, under this call's lock. */
    private volatile Channel channel;
    private volatile boolean cancelled;
    /** Connections found closed before anything was sent on them. */
    private int stale;
    /** Confined to the event loop of {@link #channel}. */
    private int phase = NEW;
    private ScheduledFuture<?> gateWait;

    Call(MonoSink<T> sink, Exchange<T> exchange) {
      this.sink = sink;
      this.exchange = exchange;
    }

    /** A connection for this call, from any thread. */
    void accept(Channel ch) {
      synchronized (this) {
        if (!cancelled) {
          channel = ch;
        }
      }
      if (channel != ch) {
        release(ch, true);
        return;
      }
      if (ch.eventLoop().inEventLoop()) {
        start();
      } else {
        ch.eventLoop().execute(this::start);
      }
    }

    void cancel() {
      Channel ch;
      synchronized (this) {
        cancelled = true;
        ch = channel;
      }
      if (ch != null) {
        ch.eventLoop().execute(this::abort);
      }
    }

    void fail(Throwable e) {
      sink.error(e);
    }

    /** On the loop: the gate, then the request. */
    private void start() {
      if (phase == DONE || (phase == NEW && cancelled)) {
        if (phase == NEW) {
          phase = DONE;
          release(channel, true);
        }
        return;
      }
      Channel ch = channel;
      Handler h = handler(ch);
      if (!ch.isActive() || h == null) {
        // closed while idle (by us or the server) or while the call waited at its gate: nothing
        // was sent, so another connection will do; twice at most, then the call fails as a
        // connection closed before sending, which the engine retries after its backoff
        retry(new ClosedChannelException());
        return;
      }
      gateWait = null;
      long wait;
      try {
        wait = exchange.tryPass();
      } catch (RuntimeException e) {
        finish(true);
        sink.error(e);
        return;
      }
      if (wait > 0) {
        gateWait = ch.eventLoop().schedule(this::start, wait, TimeUnit.NANOSECONDS);
        return;
      }
      h.current = this;
      phase = SENT;
      FullHttpRequest req = exchange.request();
      ch.writeAndFlush(req).addListener(w -> {
        if (w.isSuccess()) {
          exchange.written();
        } else if (phase == SENT) {
          phase = DONE;
          h.current = null;
          ch.close();
          sink.error(w.cause());
        }
      });
    }

    /** On the loop: the call was cancelled. */
    private void abort() {
      if (gateWait != null) {
        gateWait.cancel(false);
        gateWait = null;
      }
      if (phase == NEW) {
        finish(true);
      } else if (phase == SENT) {
        finish(false);
      }
    }

    /** Ends the call on its connection, which goes back ({@code reusable}) or is closed. */
    private void finish(boolean reusable) {
      phase = DONE;
      Handler h = handler(channel);
      if (h != null && h.current == this) {
        h.current = null;
      }
      release(channel, reusable);
    }

    /** On the loop: the answer. */
    void answered(FullHttpResponse res) {
      if (phase != SENT) {
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(res);
      T answer;
      try {
        answer = exchange.read(res.status().code(), res.headers(), ByteBufUtil.getBytes(res.content()));
      } catch (RuntimeException e) {
        finish(keepAlive);
        sink.error(e);
        return;
      }
      finish(keepAlive);
      sink.success(answer);
    }

    /**
     * On the loop: the connection failed or closed under the call, which had sent (a call is the
     * connection's current one only from its write to its end).
     */
    void broken(Throwable e) {
      if (phase != SENT) {
        return;
      }
      phase = DONE;
      channel.close();
      sink.error(e);
    }

    /** Nothing sent on this connection, which is closed: the call gets another, or fails with {@code e}. */
    private void retry(Throwable e) {
      phase = DONE;
      if (++stale > 2) {
        sink.error(e);
        return;
      }
      phase = NEW;
      synchronized (this) {
        channel = null;
      }
      acquire(this);
    }
  }

  /** The last handler of every connection: hands its answer, or its failure, to the call on it. */
  private final class Handler extends ChannelInboundHandlerAdapter {
    final long born = System.nanoTime();
    /** The call in progress, confined to the event loop. */
    Call<?> current;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        Call<?> c = current;
        if (msg instanceof FullHttpResponse res && c != null) {
          c.answered(res);
        } else {
          ctx.close(); // an answer no call asked for: the connection is out of step
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Call<?> c = current;
      if (c != null) {
        current = null;
        c.broken(new ClosedChannelException());
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Call<?> c = current;
      if (c != null) {
        current = null;
        c.broken(cause);
      }
      ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent && current == null) {
        ctx.close();
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  /**
   * A request: {@code common}'s headers, then the {@code Idempotency-Key} when given, and the body
   * when given (with its length; a POST without one says length 0).
   */
  static FullHttpRequest request(HttpMethod method, String pathAndQuery, HttpHeaders common, String idempotencyKey,
      byte[] body) {
    DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, pathAndQuery,
        body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    req.headers().set(common);
    if (idempotencyKey != null) {
      req.headers().set("Idempotency-Key", idempotencyKey);
    }
    if (body != null || method.equals(HttpMethod.POST)) {
      req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body == null ? 0 : body.length);
    }
    return req;
  }

  /** Headers every call carries. */
  static HttpHeaders commonHeaders(String hostHeader, String apiKey, String userAgent) {
    return new DefaultHttpHeaders()
        .set(HttpHeaderNames.HOST, hostHeader)
        .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey)
        .set(HttpHeaderNames.USER_AGENT, userAgent)
        .set(HttpHeaderNames.ACCEPT, "application/json");
  }
}
