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
    CreateRuntimeRequest shape = new CreateRuntimeRequest(null, null, null, null, null,
        new RuntimeConfig(null, null, null, null, null, Stealth.HIGH));
    Flux<Item> items = Flux.range(1, 10)
        .map(i -> Item.of("nightly:worker#" + i, "sp_123", shape.withName("worker-" + i)));
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
  void theReadmeExampleProvisionsTenRuntimes() {
    try (SandboxServer sandbox = SandboxServer.start(SandboxConfig.builder().port(0)
        .latency(Duration.ofMillis(1), Duration.ofMillis(2)).build())) {
      List<ItemResult> results = provisionTen(sandbox.baseUrl(), sandbox.apiKey());
      assertThat(results).hasSize(10).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.CREATED));
      assertThat(sandbox.stats().createsByKey()).hasSize(10);
    }
  }
}
