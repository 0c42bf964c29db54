package example;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A host on Jackson 3.0 and slf4j-simple provisions 1,000 items against the in-process sandbox,
 * using its own Jackson 3 for its own data in the same JVM. Exits non-zero on any failure.
 */
public final class Consumer {
  static final int ITEMS = 1000;
  static final Logger LOG = LoggerFactory.getLogger(Consumer.class);

  public static void main(String[] args) throws Exception {
    String jackson = tools.jackson.databind.cfg.PackageVersion.VERSION.toString();
    check(jackson.startsWith("3.0."), "the host's Jackson is 3.0, got " + jackson);
    check(Consumer.class.getClassLoader().getResource("logback.xml") == null, "no logback.xml on the classpath");

    // the host's own data, in and out through its own Jackson
    JsonMapper hostJson = JsonMapper.builder().build();
    List<Map<String, String>> specs = new ArrayList<>();
    for (int i = 1; i <= ITEMS; i++) {
      specs.add(Map.of("key", "sb4:worker#" + i, "space", "space-" + (i % 3), "name", "worker-" + i));
    }
    List<Map<String, String>> read = hostJson.readValue(hostJson.writeValueAsBytes(specs),
        new TypeReference<List<Map<String, String>>>() {});

    CreateRuntimeRequest shape = CreateRuntimeRequest.builder().metadata("team", "sb4").build();
    try (SandboxServer sandbox = SandboxServer.start(SandboxConfig.builder().port(0)
            .latency(Duration.ofMillis(1), Duration.ofMillis(5)).build());
        Provisioner provisioner = Provisioner.builder()
            .baseUrl(sandbox.baseUrl())
            .apiKey(sandbox.apiKey())
            .concurrency(32)
            .rate(0)
            .build()) {
      List<ItemResult> results = provisioner.provision(Flux.fromIterable(read)
              .map(s -> Item.builder()
                  .key(s.get("key"))
                  .spaceId(s.get("space"))
                  .request(shape.toBuilder().name(s.get("name")).build())
                  .build()))
          .collectList()
          .block(Duration.ofMinutes(3));
      check(results != null && results.size() == ITEMS, "a result per item");
      long created = results.stream().filter(r -> r.outcome() == Outcome.CREATED).count();
      check(created == ITEMS, created + " of " + ITEMS + " created; first other: "
          + results.stream().filter(r -> r.outcome() != Outcome.CREATED).findFirst().orElse(null));
      Map<String, Integer> creates = sandbox.stats().createsByKey();
      check(creates.size() == ITEMS && creates.values().stream().allMatch(n -> n == 1),
          "the sandbox created each key once, got " + creates.size() + " keys");

      // Jackson 3 writes records and java.time out of the box
      check(hostJson.readTree(hostJson.writeValueAsString(results)).size() == ITEMS, "the host's report");
    }
    LOG.info("host provisioned {} items", ITEMS);

    List<String> log = Files.readAllLines(Path.of("target/host.log"));
    check(log.contains("[INFO] example.Consumer - host provisioned " + ITEMS + " items"),
        "the host's INFO line is in its own log");
    check(log.stream().anyMatch(l -> l.startsWith("[DEBUG] reactor.netty.transport.")),
        "the library's stack logs through the host's slf4j-simple, in the host's format");
    System.out.println("consumer ok: " + ITEMS + " created with Jackson " + jackson + ", Reactor "
        + Flux.class.getPackage().getImplementationVersion() + ", Reactor Netty "
        + reactor.netty.http.client.HttpClient.class.getPackage().getImplementationVersion() + ", "
        + log.size() + " lines in the host's log");
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("consumer FAILED: " + what);
      System.exit(1);
    }
  }
}
