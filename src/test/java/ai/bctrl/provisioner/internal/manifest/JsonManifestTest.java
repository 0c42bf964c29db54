package ai.bctrl.provisioner.internal.manifest;

import static ai.bctrl.provisioner.internal.manifest.Manifests.SAVED_ID;
import static ai.bctrl.provisioner.internal.manifest.Manifests.errors;
import static ai.bctrl.provisioner.internal.manifest.Manifests.items;
import static ai.bctrl.provisioner.internal.manifest.Manifests.read;
import static ai.bctrl.provisioner.internal.manifest.Manifests.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.model.CustomProxy;
import ai.bctrl.provisioner.model.ProxyProtocol;
import ai.bctrl.provisioner.model.SavedProxy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonManifestTest {
  @TempDir Path dir;

  @Test
  void aJsonArrayYieldsOneItemPerCountWithTheElementsLine() {
    List<Item> items = items(read(write(dir, "m.json", "[\n  {\"name\": \"a\", \"count\": 2},\n"
        + "  {\"name\": \"b\",\n   \"config\": {\"proxy\": {\"mode\": \"custom\", \"host\": \"h\", \"port\": 8080, \"protocol\": \"http\"}}}\n]\n")));
    assertThat(items).extracting(Item::key).containsExactly("a", "a#2", "b");
    assertThat(items).extracting(Item::line).containsExactly(2L, 2L, 3L);
    assertThat(items.get(2).request().config().proxy()).contains(new CustomProxy("h", 8080, ProxyProtocol.HTTP, null, null));
  }

  @Test
  void jsonlAndNdjsonReadOneObjectALine() {
    String body = "{\"name\": \"a\"}\n\n{\"name\": \"b\", \"config\": {\"proxy\": {\"mode\": \"saved\", \"id\": \"" + SAVED_ID + "\"}}}\n";
    for (String name : List.of("m.jsonl", "m.ndjson")) {
      List<Item> items = items(read(write(dir, name, body)));
      assertThat(items).extracting(Item::line).containsExactly(1L, 3L);
      assertThat(items.get(1).request().config().proxy().orElseThrow()).isInstanceOf(SavedProxy.class);
    }
  }

  @Test
  void typesAreStrict() {
    List<ManifestEntry> all = read(write(dir, "m.jsonl",
        "{\"name\":\"a\",\"config\":{\"proxy\":{\"mode\":\"custom\",\"host\":\"h\",\"port\":\"8080\",\"protocol\":\"http\"}}}\n"
            + "{\"name\":\"b\",\"config\":{\"humanize\":\"true\"}}\n"
            + "{\"name\":\"c\",\"count\":2.0}\n"
            + "{\"name\":\"d\",\"extensionIds\":\"x\"}\n"
            + "{\"name\":\"e\",\"extensionIds\":[\"x\", 3]}\n"
            + "{\"name\":7}\n"));
    assertThat(errors(all, "m.jsonl")).containsExactly(
        "m.jsonl:1: config.proxy.port: must be an integer 1..65535, got \"8080\"",
        "m.jsonl:2: config.humanize: must be true or false, got \"true\"",
        "m.jsonl:3: count: must be an integer 1..10000, got 2.0",
        "m.jsonl:4: extensionIds: must be an array of strings, got \"x\"",
        "m.jsonl:5: extensionIds[1]: must be a string, got 3",
        "m.jsonl:6: name: must be a string, got 7");
  }

  @Test
  void unknownFieldsAreErrorsWithASuggestion() {
    List<ManifestEntry> all = read(write(dir, "m.jsonl",
        "{\"name\":\"a\",\"config\":{\"stelth\":\"high\"}}\n{\"nmae\":\"a\"}\n{\"config\":{\"fingerprint\":{\"os\":\"x\"}}}\n"));
    assertThat(errors(all, "m.jsonl")).containsExactly(
        "m.jsonl:1: config.stelth: unknown field; did you mean \"config.stealth\"?",
        "m.jsonl:2: nmae: unknown field; did you mean \"name\"?",
        "m.jsonl:3: config.fingerprint.os: unknown field; allowed here: browser, locale");
  }

  @Test
  void metadataTakesAnyJsonValue() {
    Item i = items(read(write(dir, "m.json", "[{\"name\":\"a\",\"metadata\":{\"n\":1,\"b\":true,\"o\":{\"x\":[1,\"y\"]}}}]"))).get(0);
    assertThat(i.request().metadata()).containsEntry("n", 1L).containsEntry("b", true)
        .containsEntry("o", Map.of("x", List.of(1L, "y")));
  }

  @Test
  void anElementThatIsNotAnObjectIsAnInvalidRowKeyedByItsLine() {
    List<ManifestEntry> all = read(write(dir, "m.json", "[\n{\"name\":\"a\"},\n42,\n[1]\n]"));
    assertThat(errors(all, "m.json")).containsExactly(
        "m.json:3: each element must be a JSON object (one runtime shape), got 42",
        "m.json:4: each element must be a JSON object (one runtime shape), got [1]");
    assertThat(((ManifestEntry.Invalid) all.get(1)).key()).isEqualTo("line-3");
  }

  @Test
  void brokenJsonIsFatalWithItsLine() {
    Path m = write(dir, "m.json", "[\n{\"name\":\"a\"},\n{\"name\": \"b\" \"profile\": \"p\"}\n]");
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class)
        .hasMessageStartingWith(m + ":3: malformed JSON: ").hasMessageEndingWith("; fix the JSON (quotes, commas, brackets)");
  }

  @Test
  void anUnclosedArrayIsFatal() {
    Path m = write(dir, "m.json", "[\n{\"name\":\"a\"}\n");
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class).hasMessageStartingWith(m + ":3: ");
  }

  @Test
  void aTopLevelObjectIsNotAJsonManifest() {
    Path m = write(dir, "m.json", "{\"name\":\"a\"}");
    assertThatThrownBy(() -> read(m)).hasMessage(m
        + ":1: a JSON manifest must be an array of objects, [{...}, ...]; for one object per line name the file .jsonl");
  }

  @Test
  void emptyFilesAreFatal() {
    Path json = write(dir, "m.json", "");
    Path jsonl = write(dir, "m.jsonl", "\n\n");
    assertThatThrownBy(() -> read(json)).hasMessage(json + ":1: the file is empty; a JSON manifest is an array of objects, [{...}, ...]");
    assertThatThrownBy(() -> read(jsonl)).hasMessage(jsonl + ":1: the file is empty; a JSONL manifest holds one JSON object a line");
  }

  @Test
  void anEmptyArrayHasNoItems() {
    assertThat(read(write(dir, "m.json", "[ ]"))).isEmpty();
  }

  @Test
  void contentAfterTheArrayIsFatal() {
    Path m = write(dir, "m.json", "[{\"name\":\"a\"}]\n[]");
    assertThatThrownBy(() -> read(m)).hasMessage(m
        + ":2: more content after the closing ] of the array; remove it or put it inside the array");
  }

  @Test
  void duplicateFieldsAreFatal() {
    Path m = write(dir, "m.jsonl", "{\"name\":\"a\",\"name\":\"b\"}");
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class).hasMessageStartingWith(m + ":1: malformed JSON: ");
  }

  @Test
  void aMalformedJsonMessageDoesNotEchoTheBadToken() {
    Path m = write(dir, "m.jsonl", "{\"config\":{\"proxy\":{\"password\": hunter2secret}}}");
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class).message().doesNotContain("hunter2secret");
  }

  @Test
  void binaryJunkIsFatal() {
    Path m = write(dir, "m.json", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, 3});
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class).hasMessageStartingWith(m + ":1: ");
  }

  @Test
  void aByteOrderMarkIsSkipped() {
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
    byte[] body = "[{\"name\":\"a\"}]".getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, all, 0, 3);
    System.arraycopy(body, 0, all, 3, body.length);
    assertThat(items(read(write(dir, "m.json", all)))).extracting(Item::key).containsExactly("a");
  }

  @Test
  void standardInputIsReadInTheGivenFormat() {
    var in = new ByteArrayInputStream("name,count\nx,2\n".getBytes(StandardCharsets.UTF_8));
    var options = ManifestOptions.builder().stdin(in, ManifestFormat.CSV).defaultSpace(Manifests.SPACE).env(Map.of()).build();
    List<ManifestEntry> all = ManifestReader.read(options).collectList().block(Duration.ofSeconds(10));
    assertThat(items(all)).extracting(Item::key).containsExactly("x", "x#2");
    assertThat(options.displayName()).isEqualTo("<stdin>");
  }

  @Test
  void aMissingFileIsAManifestException() {
    Path m = dir.resolve("nope.csv");
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class)
        .hasMessage(m + ": no such file; check the manifest path");
  }
}
