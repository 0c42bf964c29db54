package ai.bctrl.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.model.RuntimeConfig;
import ai.bctrl.provisioner.model.Stealth;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The library example of the README, compiled and run against the sandbox. */
class LibraryExampleTest {

  // --- README example start
  static List<ItemResult> provisionTen(URI baseUrl, String apiKey) {
    CreateRuntimeRequest shape = CreateRuntimeRequest.builder()
        .metadata("team", "growth")
        .config(RuntimeConfig.builder().stealth(Stealth.HIGH).humanize(true).noProxy().build())
        .build();
    Flux<Item> items = Flux.range(1, 10)
        .map(i -> Item.builder()
            .key("nightly:worker#" + i)
            .spaceId("sp_123")
            .request(shape.toBuilder().name("worker-" + i).build())
            .build());
    try (Provisioner provisioner = Provisioner.builder()
        .baseUrl(baseUrl)
        .apiKey(apiKey)
        .concurrency(8)
        .rate(10)
        .build()) {
      return provisioner.provision(items)
          .doOnNext(r -> System.out.println(r.key() + " " + r.outcome() + " " + r.runtimeId()))
          .collectList()
          .block();
    }
  }
  // --- README example end

  @Test
  void theReadmeShowsThisExampleAsItIsHere() throws java.io.IOException {
    String source = java.nio.file.Files.readString(
        java.nio.file.Path.of("src/test/java/ai/bctrl/provisioner/LibraryExampleTest.java"));
    String method = source.substring(source.indexOf("// --- README example start"),
        source.indexOf("// --- README example end"));
    List<String> lines = method.lines().toList();
    String body = lines.subList(2, lines.size() - 2).stream()   // inside provisionTen's braces
        .map(l -> l.startsWith("    ") ? l.substring(4) : l)
        .collect(java.util.stream.Collectors.joining("\n"));
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
    assertThat(readme).as("README's library example; copy it from LibraryExampleTest.provisionTen")
        .contains("```java\n" + body + "\n```");
  }

  @Test
  void theReadmeExampleProvisionsTenRuntimes() {
    try (SandboxServer sandbox = SandboxServer.start(SandboxConfig.builder().port(0)
        .latency(Duration.ofMillis(1), Duration.ofMillis(2)).build())) {
      List<ItemResult> results = provisionTen(sandbox.baseUrl(), sandbox.apiKey());
      assertThat(results).hasSize(10).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.CREATED));
      assertThat(sandbox.stats().createsByKey()).hasSize(10);
    }
  }
}
