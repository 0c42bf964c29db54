import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The third yardstick of bench/run: the same loop as bench/loop.js on Netty itself, without
 * Reactor Netty: C channels, each sending its next create as its last answer comes, each answer
 * aggregated whole and checked for an id: the floor of what the provisioner's client (Netty alone)
 * costs, with nothing of the provisioner's.
 *
 *   java -cp provisioner.jar:CLASSES RawNettyLoop BASE_URL API_KEY SPACE N C KEY_PREFIX
 */
public final class RawNettyLoop {
  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    String key = args[1];
    String path = "/v1/spaces/" + args[2] + "/runtimes";
    int n = Integer.parseInt(args[3]);
    int c = Integer.parseInt(args[4]);
    String prefix = args[5];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(c);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory());
    long start = System.nanoTime();
    Bootstrap b = new Bootstrap().group(group).channel(EpollSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                new SimpleChannelInboundHandler<FullHttpResponse>() {
                  @Override
                  public void channelActive(ChannelHandlerContext ctx) {
                    send(ctx);
                  }

                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
                    String body = res.content().toString(StandardCharsets.UTF_8);
                    if (res.status().code() == 200 && body.contains("\"id\"")) {
                      ok.incrementAndGet();
                    } else {
                      errors.incrementAndGet();
                    }
                    send(ctx);
                  }

                  private void send(ChannelHandlerContext ctx) {
                    int i = next.getAndIncrement();
                    if (i >= n) {
                      ctx.close();
                      done.countDown();
                      return;
                    }
                    String k = prefix + "-" + i;
                    ByteBuf body = Unpooled.copiedBuffer("{\"type\":\"browser\",\"name\":\"rt-" + i
                        + "\",\"config\":{\"stealth\":\"high\"},\"metadata\":{\"provisionerKey\":\"" + k + "\"}}",
                        StandardCharsets.UTF_8);
                    DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, body);
                    req.headers().set(HttpHeaderNames.HOST, base.getHost() + ":" + base.getPort())
                        .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key)
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .set(HttpHeaderNames.ACCEPT, "application/json")
                        .set("idempotency-key", k)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                    ctx.writeAndFlush(req);
                  }
                });
          }
        });
    for (int i = 0; i < c; i++) {
      b.connect(base.getHost(), base.getPort());
    }
    done.await();
    double ms = (System.nanoTime() - start) / 1e6;
    System.out.println("{\"ok\":" + ok.get() + ",\"errors\":" + errors.get() + ",\"ms\":" + ms + "}");
    group.shutdownGracefully();
    System.exit(0);
  }
}
