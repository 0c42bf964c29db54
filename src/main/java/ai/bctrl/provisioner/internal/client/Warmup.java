package ai.bctrl.provisioner.internal.client;

import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import io.netty.channel.socket.SocketChannel;
import java.nio.charset.StandardCharsets;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

/**
 * Loads and initialises, ahead of need, what a client's first call runs through, in two parts that
 * can run on threads of their own: {@link #http()}, the event loops, native transport, HTTP codec
 * and the client's connections; {@link #json()}, Jackson's databind with the shared
 * writer of create bodies and reader of answers, and the ledger's codec. It sends nothing and
 * opens no connection; class loading and static initialisation are done once per JVM, so the
 * first call then finds them done. For the executable's start, while the main thread reads
 * flags, manifest and ledger (see the CLI's {@code Main}).
 */
public final class Warmup {
  /** Classes a first call initialises, beyond what {@link #http()}'s steps reach. */
  static final String[] HTTP_CLASSES = {
    "io.netty.handler.codec.http.HttpClientCodec",
    "io.netty.handler.codec.http.HttpObjectAggregator",
    "io.netty.handler.codec.http.DefaultFullHttpRequest",
    "io.netty.handler.codec.http.HttpRequestEncoder",
    "io.netty.handler.codec.http.HttpResponseDecoder",
    "io.netty.channel.epoll.EpollSocketChannel",
    "io.netty.bootstrap.Bootstrap",
    "io.netty.handler.timeout.IdleStateHandler",
    "io.netty.handler.codec.http.HttpUtil",
    "ai.bctrl.provisioner.internal.client.ApiChannels",
    "ai.bctrl.provisioner.internal.client.ApiChannels$Call",
    "ai.bctrl.provisioner.internal.client.ApiChannels$Handler",
  };

  /** The ledger's Jackson side, made on first use (a record written or read). */
  static final String[] JSON_CLASSES = {
    "ai.bctrl.provisioner.internal.ledger.LedgerCodec$Jackson",
  };

  private Warmup() {}

  /** Both parts, one after the other; any failure is ignored (the first call does the same work itself). */
  public static void run() {
    http();
    json();
  }

  /** Reactor Netty's side; any failure is ignored. */
  public static void http() {
    try {
      LoopResources loops = HttpResources.get();
      loops.onChannelClass(SocketChannel.class, loops.onClient(LoopResources.DEFAULT_NATIVE));
      load(HTTP_CLASSES);
    } catch (RuntimeException | LinkageError e) {
      // the first call will do it
    }
  }

  /** Jackson's side; any failure is ignored. */
  public static void json() {
    try {
      CreateRuntimeRequest sample = ClientJson.MAPPER.readValue("{\"type\":\"browser\",\"name\":\"warm-up\","
          + "\"profile\":\"p\",\"extensionIds\":[\"e\"],\"metadata\":{\"provisionerKey\":\"k\",\"n\":1},"
          + "\"config\":{\"stealth\":\"high\"}}", CreateRuntimeRequest.class);
      ClientJson.REQUEST_WRITER.writeValueAsBytes(sample);
      ClientJson.CREATED.read(("{\"id\":\"rt\",\"name\":\"warm-up\",\"status\":\"active\",\"capabilities\":[\"cdp\"],"
          + "\"metadata\":{\"provisionerKey\":\"k\"},\"backing\":{\"kind\":\"ephemeral\"},\"requestId\":\"r\"}")
          .getBytes(StandardCharsets.UTF_8));
      ClientJson.MAPPER.readTree("{\"data\":[],\"nextCursor\":null}");
      ClientJson.ERROR_READER.readValue(ClientJson.MAPPER.readTree(BctrlClient.PRIMER)); // what a client reads when built
      load(JSON_CLASSES);
    } catch (RuntimeException | LinkageError e) {
      // the first call will do it
    }
  }

  private static void load(String[] names) {
    ClassLoader loader = Warmup.class.getClassLoader();
    for (String c : names) {
      try {
        Class.forName(c, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // the first call will do it
      }
    }
  }
}
