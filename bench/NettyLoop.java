import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A second yardstick of bench/run: the plainest loop over Reactor Netty's HttpClient (one pool of C
 * keep-alive connections), the HTTP stack the provisioner's client was built on before it moved
 * onto Netty alone, doing on the wire what bench/loop.js does: N creates, C at once, each answer
 * read whole. No engine, no JSON library, no ledger. Kept to show what that move was worth.
 *
 *   java -cp provisioner.jar:CLASSES NettyLoop BASE_URL API_KEY SPACE N C KEY_PREFIX
 */
public final class NettyLoop {
  public static void main(String[] args) {
    String base = args[0];
    String key = args[1];
    String space = args[2];
    int n = Integer.parseInt(args[3]);
    int c = Integer.parseInt(args[4]);
    String prefix = args[5];
    ConnectionProvider pool = ConnectionProvider.builder("loop").maxConnections(c).pendingAcquireMaxCount(-1).build();
    HttpClient http = HttpClient.create(pool).keepAlive(true)
        .headers(h -> h.set("authorization", "Bearer " + key).set("content-type", "application/json")
            .set("accept", "application/json"));
    String uri = base + "/v1/spaces/" + space + "/runtimes";
    AtomicInteger errors = new AtomicInteger();
    long start = System.nanoTime();
    Long ok = Flux.range(0, n)
        .flatMap(i -> {
          String k = prefix + "-" + i;
          String body = "{\"type\":\"browser\",\"name\":\"rt-" + i + "\",\"config\":{\"stealth\":\"high\"},"
              + "\"metadata\":{\"provisionerKey\":\"" + k + "\"}}";
          return http.headers(h -> h.set("idempotency-key", k))
              .post()
              .uri(uri)
              .send((req, out) -> out.sendString(Mono.just(body), StandardCharsets.UTF_8))
              .responseSingle((res, content) -> content.asString().map(s -> res.status().code() == 200
                  && s.contains("\"id\"")))
              .onErrorReturn(false)
              .doOnNext(good -> {
                if (!good) {
                  errors.incrementAndGet();
                }
              });
        }, c)
        .filter(b -> b)
        .count()
        .block(Duration.ofMinutes(30));
    double ms = (System.nanoTime() - start) / 1e6;
    System.out.println("{\"ok\":" + ok + ",\"errors\":" + errors.get() + ",\"ms\":" + ms + "}");
    pool.disposeLater().block(Duration.ofSeconds(5));
    System.exit(0);
  }
}
