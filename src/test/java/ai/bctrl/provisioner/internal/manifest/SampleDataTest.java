package ai.bctrl.provisioner.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.model.CustomProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The manifests under {@code sample-data/} read as the README says (with {@code PROXY_PASSWORD} set). */
class SampleDataTest {
  private static final Path SAMPLES = Path.of("sample-data");
  private static final Map<String, String> ENV = Map.of("PROXY_PASSWORD", "demo-password");
  private static final String A = "3f6c2a1e-8b4d-4c7a-9e2f-1a5b6c7d8e9f";
  private static final String B = "a9e8d7c6-b5a4-4932-8f1e-0d2c3b4a5f6e";

  static List<ManifestEntry> read(String file, Consumer<ManifestOptions.Builder> more) {
    ManifestOptions.Builder b = ManifestOptions.builder().path(SAMPLES.resolve(file)).env(ENV);
    more.accept(b);
    return ManifestReader.read(b.build()).collectList().block(Duration.ofSeconds(30));
  }

  @Test
  void theSampleCsvHolds200ValidRuntimesInTwoSpaces() {
    List<Item> items = Manifests.items(read("runtimes.csv", b -> {}));
    assertThat(items).hasSize(200);
    assertThat(items.stream().filter(i -> i.spaceId().equals(A))).hasSize(105);
    assertThat(items.stream().filter(i -> i.spaceId().equals(B))).hasSize(95);
    assertThat(items.stream().filter(i -> i.request().config().proxy() != null
        && i.request().config().proxy().orElse(null) instanceof CustomProxy c && c.password().equals("demo-password")))
        .hasSize(60);
  }

  @Test
  void theCsvJsonAndJsonlSamplesProduceTheSameItems() {
    List<Item> csv = Manifests.items(read("runtimes.csv", b -> {}));
    for (String other : List.of("runtimes.json", "runtimes.jsonl")) {
      List<Item> items = Manifests.items(read(other, b -> {}));
      assertThat(items).as(other).hasSameSizeAs(csv);
      for (int i = 0; i < csv.size(); i++) {
        assertThat(items.get(i).key()).as(other).isEqualTo(csv.get(i).key());
        assertThat(items.get(i).spaceId()).as(other).isEqualTo(csv.get(i).spaceId());
        assertThat(items.get(i).request()).as(other + " " + csv.get(i).key()).isEqualTo(csv.get(i).request());
      }
    }
  }

  @Test
  void theSampleDefaultsMergeUnderEveryRow() {
    List<Item> items = Manifests.items(read("runtimes.csv", b -> b.defaults(SAMPLES.resolve("defaults.json"))));
    assertThat(items).hasSize(200).allSatisfy(i ->
        assertThat(i.request().metadata()).containsEntry("owner", "growth-platform").containsEntry("managedBy", "provisioner"));
    Item research = items.stream().filter(i -> "research".equals(i.key())).findFirst().orElseThrow();
    assertThat(research.request().config().solveCaptchas()).isFalse();
    assertThat(research.request().config().fingerprint().browser()).hasToString("chrome");
  }

  @Test
  void withoutProxyPasswordTheCustomProxyRowsAreInvalid() {
    List<ManifestEntry> all = ManifestReader.read(ManifestOptions.builder().path(SAMPLES.resolve("runtimes.csv"))
        .env(Map.of()).build()).collectList().block(Duration.ofSeconds(30));
    assertThat(Manifests.errors(all, "runtimes.csv")).containsExactly(
        "runtimes.csv:4: config.proxy.password: environment variable PROXY_PASSWORD is not set; set it, or write the value"
            + " instead of \"${PROXY_PASSWORD}\"",
        "runtimes.csv:6: config.proxy.password: environment variable PROXY_PASSWORD is not set; set it, or write the value"
            + " instead of \"${PROXY_PASSWORD}\"");
  }

  @Test
  void theInvalidSampleShowsOffTheErrorMessages() {
    List<ManifestEntry> all = read("invalid.csv", b -> {});
    String f = "sample-data/invalid.csv";
    assertThat(Manifests.errors(all, f)).containsExactly(
        f + ":2: config.proxy.port: must be an integer 1..65535, got \"80a\"",
        f + ":3: config.stealth: must be one of medium, high, ultra, got \"maximum\"",
        f + ":4: config.proxy.id: must be a uuid such as 0f8fad5b-d9cb-469f-a165-70867728950e, got \"not-a-uuid\"",
        f + ":5: config.proxy.host: is required for a custom proxy",
        f + ":6: count: must be an integer 1..10000, got \"0\"",
        f + ":7: key: must be 1..200 characters of A-Z a-z 0-9 . _ : @ / -, got \"has space\"",
        f + ":10: key: \"ok\" is the key of an earlier row too; give each row its own key or name, or one row a higher count",
        f + ":11: config.humanize: must be true or false, got \"yes\"",
        f + ":12: config.proxy.password: environment variable UNSET_PROXY_PASSWORD is not set; set it, or write the value"
            + " instead of \"${UNSET_PROXY_PASSWORD}\"",
        f + ":13: config.fingerprint.locale: must be one of en-US, en-GB, de-DE, fr-FR, es-ES, es-MX, it-IT, nl-NL, pt-BR,"
            + " pt-PT, pl-PL, tr-TR, sv-SE, da-DK, nb-NO, fi-FI, ja-JP, ko-KR, zh-CN, zh-TW, got \"en-us\"",
        f + ":14: spaceId: must be 1..200 characters of A-Z a-z 0-9 . _ : @ -, got \"not a space\";"
            + " config.humanize: must be true or false, got \"maybe\"");
    assertThat(all.stream().filter(e -> e instanceof ManifestEntry.Valid)).singleElement()
        .satisfies(e -> assertThat(e.line()).isEqualTo(8));
  }
}
