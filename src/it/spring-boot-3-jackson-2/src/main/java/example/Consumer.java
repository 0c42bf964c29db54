package example;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.internal.client.BctrlClient;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * A host on Jackson 2.17 and its own Logback setup provisions 1,000 items against the in-process
 * sandbox, using its own Jackson for its own data in the same JVM. Exits non-zero on any failure.
 */
public final class Consumer {
  static final int ITEMS = 1000;
  static final Logger LOG = LoggerFactory.getLogger(Consumer.class);

  public static void main(String[] args) throws Exception {
    String jackson = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();
    check(jackson.startsWith("2.17."), "the host's Jackson is 2.17, got " + jackson);
    check(!present("com.fasterxml.jackson.annotation.JsonSerializeAs"),
        "jackson-annotations is the host's 2.17, without what Jackson 3 needs");
    check(!present("tools.jackson.databind.ObjectMapper"), "no unrelocated Jackson 3 on the classpath");
    List<URL> logbackFiles = Collections.list(Consumer.class.getClassLoader().getResources("logback.xml"));
    check(logbackFiles.size() == 1 && logbackFiles.get(0).getPath().contains("/target/classes/"),
        "the only logback.xml is the host's, got " + logbackFiles);
    String userAgent = BctrlClient.defaultUserAgent();
    check(userAgent.equals("provisioner/" + System.getProperty("provisioner.version")),
        "the User-Agent names the library's version, got " + userAgent);

    // the host's own data, in and out through its own Jackson
    ObjectMapper hostJson = new ObjectMapper();
    List<Map<String, String>> specs = new ArrayList<>();
    for (int i = 1; i <= ITEMS; i++) {
      specs.add(Map.of("key", "sb3:worker#" + i, "space", "space-" + (i % 3), "name", "worker-" + i));
    }
    List<Map<String, String>> read = hostJson.readValue(hostJson.writeValueAsBytes(specs),
        new TypeReference<List<Map<String, String>>>() {});

    CreateRuntimeRequest shape = CreateRuntimeRequest.builder().metadata("team", "sb3").build();
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

      List<Map<String, String>> report = results.stream()
          .map(r -> Map.of("key", r.key(), "outcome", r.outcome().wire(), "runtimeId", r.runtimeId()))
          .toList();
      check(hostJson.readTree(hostJson.writeValueAsString(report)).size() == ITEMS, "the host's report");
    }
    LOG.info("host provisioned {} items", ITEMS);

    List<String> log = Files.readAllLines(Path.of("target/host.log"));
    check(log.contains("HOST-LOGBACK INFO [example.Consumer] host provisioned " + ITEMS + " items"),
        "the host's INFO line is in its own log");
    check(log.stream().anyMatch(l -> l.startsWith("HOST-LOGBACK DEBUG [reactor.netty.transport.")),
        "the library's stack logs through the host's Logback, in the host's format");
    check(log.stream().noneMatch(l -> l.startsWith("provisioner: ")), "no line in the CLI's format");
    System.out.println("consumer ok: " + ITEMS + " created with Jackson " + jackson + ", Reactor "
        + Flux.class.getPackage().getImplementationVersion() + ", Reactor Netty "
        + reactor.netty.http.client.HttpClient.class.getPackage().getImplementationVersion() + ", "
        + log.size() + " lines in the host's log");
  }

  static boolean present(String className) {
    try {
      Class.forName(className, false, Consumer.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("consumer FAILED: " + what);
      System.exit(1);
    }
  }
}
