package ai.bctrl.provisioner.internal.client;

import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import io.netty.resolver.NoopAddressResolverGroup;
import java.nio.charset.StandardCharsets;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads and initialises, ahead of need, what a client's first create call runs through: Jackson's
 * databind with the request's serializer and the answer's reader, Reactor Netty's event loops and
 * native transport, the HTTP codec and the connection pool. It sends nothing and opens no
 * connection; class loading and static initialisation are done once per JVM, so the first call
 * then finds them done. For the executable's start, on a thread of its own while the main thread
 * reads flags, manifest and ledger (see the CLI's {@code Main}).
 */
public final class Warmup {
  /** Classes a first call initialises, beyond what the steps below reach. */
  private static final String[] CLASSES = {
    "io.netty.handler.codec.http.HttpClientCodec",
    "io.netty.handler.codec.http.HttpObjectAggregator",
    "io.netty.handler.codec.http.DefaultFullHttpRequest",
    "io.netty.handler.codec.http.HttpRequestEncoder",
    "io.netty.handler.codec.http.HttpResponseDecoder",
    "reactor.netty.http.client.HttpClientOperations",
    "reactor.netty.http.client.HttpClientConnect",
    "reactor.netty.resources.DefaultPooledConnectionProvider",
    "reactor.netty.channel.ChannelOperationsHandler",
    "io.netty.channel.epoll.EpollSocketChannel",
  };

  private Warmup() {}

  /** Does the warm-up; any failure is ignored (the first call does the same work itself). */
  public static void run() {
    try {
      JsonMapper json = JsonMapper.builder().build();
      CreateRuntimeRequest sample = json.readValue("{\"type\":\"browser\",\"name\":\"warm-up\",\"profile\":\"p\","
          + "\"extensionIds\":[\"e\"],\"metadata\":{\"provisionerKey\":\"k\",\"n\":1},\"config\":{\"stealth\":\"high\"}}",
          CreateRuntimeRequest.class);
      json.writerFor(CreateRuntimeRequest.class).writeValueAsBytes(sample);
      new CreatedReader(json).read(("{\"id\":\"rt\",\"name\":\"warm-up\",\"status\":\"active\",\"capabilities\":[\"cdp\"],"
          + "\"metadata\":{\"provisionerKey\":\"k\"},\"backing\":{\"kind\":\"ephemeral\"},\"requestId\":\"r\"}")
          .getBytes(StandardCharsets.UTF_8));
      json.readTree("{\"data\":[],\"nextCursor\":null}");
    } catch (RuntimeException | LinkageError e) {
      // the first call will do it
    }
    try {
      HttpClient.create().resolver(NoopAddressResolverGroup.INSTANCE).warmup().block();
      ClassLoader loader = Warmup.class.getClassLoader();
      for (String c : CLASSES) {
        Class.forName(c, true, loader);
      }
    } catch (RuntimeException | LinkageError | ClassNotFoundException e) {
      // the first call will do it
    }
  }
}
