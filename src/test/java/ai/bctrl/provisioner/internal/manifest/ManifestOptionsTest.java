package ai.bctrl.provisioner.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestOptionsTest {
  private static final Path CSV = Path.of("m.csv");

  @Test
  void theFormatComesFromTheExtension() {
    assertThat(ManifestOptions.builder().path(Path.of("a/B.CSV")).build().format()).isEqualTo(ManifestFormat.CSV);
    assertThat(ManifestOptions.builder().path(Path.of("b.json")).build().format()).isEqualTo(ManifestFormat.JSON);
    assertThat(ManifestOptions.builder().path(Path.of("c.jsonl")).build().format()).isEqualTo(ManifestFormat.JSONL);
    assertThat(ManifestOptions.builder().path(Path.of("d.ndjson")).build().format()).isEqualTo(ManifestFormat.JSONL);
  }

  @Test
  void anUnknownExtensionIsRefused() {
    assertThatThrownBy(() -> ManifestOptions.builder().path(Path.of("m.txt")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("manifest must end in .csv, .json, .jsonl or .ndjson but was \"m.txt\"");
  }

  @Test
  void exactlyOneManifestIsNeeded() {
    assertThatThrownBy(() -> ManifestOptions.builder().build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("give exactly one manifest: a path, or standard input with its format");
    assertThatThrownBy(() -> ManifestOptions.builder().path(CSV)
        .stdin(new ByteArrayInputStream(new byte[0]), ManifestFormat.CSV).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatNamesParseInAnyCase() {
    assertThat(ManifestFormat.of("CSV")).isEqualTo(ManifestFormat.CSV);
    assertThat(ManifestFormat.of("ndjson")).isEqualTo(ManifestFormat.JSONL);
    assertThatThrownBy(() -> ManifestFormat.of("xml")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("format must be csv, json or jsonl (or ndjson) but was \"xml\"");
  }

  @Test
  void maxItemsMustBePositive() {
    assertThatThrownBy(() -> ManifestOptions.builder().path(CSV).maxItems(0L).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxItems must be >= 1 but was 0");
  }

  @Test
  void theDefaultSpaceMustBeUsableInAPath() {
    assertThatThrownBy(() -> ManifestOptions.builder().path(CSV).defaultSpace("a/b").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("space must be 1..200 characters of A-Z a-z 0-9 . _ : @ - but was \"a/b\"");
  }

  @Test
  void theEnvironmentIsCopiedSoLaterChangesDoNotLeakIn() {
    var env = new java.util.HashMap<>(Map.of("A", "1"));
    ManifestOptions o = ManifestOptions.builder().path(CSV).env(env).batch("b-1").build();
    env.put("B", "2");
    assertThat(o.env()).containsOnlyKeys("A");
    assertThat(o.batch()).isEqualTo("b-1");
    assertThat(o.displayName()).isEqualTo("m.csv");
  }
}
