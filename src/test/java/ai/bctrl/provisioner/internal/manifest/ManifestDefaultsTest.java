package ai.bctrl.provisioner.internal.manifest;

import static ai.bctrl.provisioner.internal.manifest.Manifests.SAVED_ID;
import static ai.bctrl.provisioner.internal.manifest.Manifests.SPACE;
import static ai.bctrl.provisioner.internal.manifest.Manifests.SPACE_2;
import static ai.bctrl.provisioner.internal.manifest.Manifests.errors;
import static ai.bctrl.provisioner.internal.manifest.Manifests.items;
import static ai.bctrl.provisioner.internal.manifest.Manifests.read;
import static ai.bctrl.provisioner.internal.manifest.Manifests.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.model.CustomProxy;
import ai.bctrl.provisioner.model.FingerprintBrowser;
import ai.bctrl.provisioner.model.FingerprintLocale;
import ai.bctrl.provisioner.model.ProxyProtocol;
import ai.bctrl.provisioner.model.SavedProxy;
import ai.bctrl.provisioner.model.Stealth;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestDefaultsTest {
  @TempDir Path dir;

  private static final String DEFAULTS = "{\"spaceId\": \"" + SPACE_2 + "\", \"extensionIds\": [\"d1\", \"d2\"],"
      + " \"metadata\": {\"team\": \"core\", \"env\": \"prod\"},"
      + " \"config\": {\"stealth\": \"high\", \"fingerprint\": {\"browser\": \"chrome\", \"locale\": \"en-US\"},"
      + "   \"proxy\": {\"mode\": \"saved\", \"id\": \"" + SAVED_ID + "\", \"overrides\": {\"ipFamily\": \"ipv4-only\"}}}}";

  private List<ManifestEntry> withDefaults(String name, String manifest) {
    Path d = write(dir, "defaults.json", DEFAULTS);
    return read(write(dir, name, manifest), b -> b.defaults(d).env(Map.of("PW", "s3cret")));
  }

  @Test
  void objectsMergeDeeplyWithTheRowWinning() {
    Item i = items(withDefaults("m.csv", "name,config.fingerprint.locale,metadata.env\na,de-DE,dev\n")).get(0);
    assertThat(i.request().config().stealth()).isEqualTo(Stealth.HIGH);
    assertThat(i.request().config().fingerprint().browser()).isEqualTo(FingerprintBrowser.CHROME);
    assertThat(i.request().config().fingerprint().locale()).isEqualTo(FingerprintLocale.DE_DE);
    assertThat(i.request().metadata()).containsEntry("team", "core").containsEntry("env", "dev");
    assertThat(i.request().config().proxy().orElseThrow()).isInstanceOf(SavedProxy.class);
    assertThat(i.spaceId()).isEqualTo(SPACE_2);
  }

  @Test
  void arraysAreReplacedNotMerged() {
    Item i = items(withDefaults("m.csv", "name,extensionIds\na,r1\n")).get(0);
    assertThat(i.request().extensionIds()).containsExactly("r1");
  }

  @Test
  void aRowThatSetsAnyProxyFieldDropsTheDefaultProxyWhole() {
    Item i = items(withDefaults("m.csv", "name,config.proxy.mode,config.proxy.host,config.proxy.port,"
        + "config.proxy.protocol,config.proxy.password\na,custom,h,3128,http,${PW}\n")).get(0);
    assertThat(i.request().config().proxy()).contains(new CustomProxy("h", 3128, ProxyProtocol.HTTP, null, "s3cret"));
    List<ManifestEntry> half = withDefaults("m.csv", "name,config.proxy.overrides.geo.city\na,Paris\n");
    assertThat(errors(half, "m.csv")).containsExactly("m.csv:2: config.proxy.mode: is required: custom or saved");
  }

  @Test
  void aJsonNullInARowRemovesTheDefault() {
    Item i = items(withDefaults("m.jsonl",
        "{\"name\":\"a\",\"metadata\":{\"team\":null},\"config\":{\"stealth\":null,\"fingerprint\":null}}\n")).get(0);
    assertThat(i.request().config().stealth()).isNull();
    assertThat(i.request().config().fingerprint()).isNull();
    assertThat(i.request().metadata()).doesNotContainKey("team").containsEntry("env", "prod");
    assertThat(i.request().config().proxy().orElseThrow()).isInstanceOf(SavedProxy.class);
  }

  @Test
  void aNullProxyInARowMeansNoProxyDespiteTheDefaults() {
    Item i = items(withDefaults("m.jsonl", "{\"name\":\"a\",\"config\":{\"proxy\":null}}\n")).get(0);
    assertThat(i.request().config().proxy()).isEmpty();
    assertThat(i.request().config().stealth()).isEqualTo(Stealth.HIGH);
  }

  @Test
  void theRowsSpaceWinsOverTheDefaultsWhichWinOverTheOption() {
    List<Item> items = items(withDefaults("m.csv", "name,spaceId\na," + SPACE + "\nb,\n"));
    assertThat(items).extracting(Item::spaceId).containsExactly(SPACE, SPACE_2);
  }

  @Test
  void aNullSpaceInARowRemovesTheDefaultsSpaceAndAnInterpolatedOneIsUsed() {
    Path d = write(dir, "defaults.json", DEFAULTS);
    List<Item> items = items(read(write(dir, "m.jsonl", "{\"name\":\"a\",\"spaceId\":null}\n{\"name\":\"b\",\"spaceId\":\"${S}\"}\n"),
        b -> b.defaults(d).env(Map.of("S", "space-from-env"))));
    assertThat(items).extracting(Item::spaceId).containsExactly(SPACE, "space-from-env");
  }

  @Test
  void interpolationReplacesWholeCellsAndStringValues() {
    Path m = write(dir, "m.csv", "name,profile,metadata.a,config.proxy.mode,config.proxy.host,config.proxy.port,"
        + "config.proxy.protocol,config.proxy.password\n"
        + "n,pre-${P},${A},custom,${HOST},${PORT},http,${PW}\n");
    Item i = items(read(m, b -> b.env(Map.of("A", "va", "HOST", "h.example", "PORT", "8080", "PW", "pw", "P", "x")))).get(0);
    assertThat(i.request().profile()).isEqualTo("pre-${P}");
    assertThat(i.request().metadata()).containsEntry("a", "va");
    assertThat(i.request().config().proxy()).contains(new CustomProxy("h.example", 8080, ProxyProtocol.HTTP, null, "pw"));
  }

  @Test
  void aMissingVariableMakesTheRowInvalidWithoutShowingAnyValue() {
    Path m = write(dir, "m.csv", "name,config.proxy.mode,config.proxy.host,config.proxy.port,config.proxy.protocol,"
        + "config.proxy.password\nn,custom,h,1,http,${PROXY_PASSWORD}\n");
    assertThat(errors(read(m), "m.csv")).containsExactly("m.csv:2: config.proxy.password: environment variable"
        + " PROXY_PASSWORD is not set; set it, or write the value instead of \"${PROXY_PASSWORD}\"");
  }

  @Test
  void aBadInterpolatedValueIsQuotedAsWrittenNeverAsInterpolated() {
    Path csv = write(dir, "m.csv", "name,config.proxy.mode,config.proxy.host,config.proxy.port,config.proxy.protocol\n"
        + "n,custom,h,${PORT},http\n");
    assertThat(errors(read(csv, b -> b.env(Map.of("PORT", "topsecret"))), "m.csv")).containsExactly(
        "m.csv:2: config.proxy.port: must be an integer 1..65535, got \"${PORT}\"");
    Path json = write(dir, "m.jsonl", "{\"config\":{\"stealth\":\"${S}\",\"proxy\":{\"mode\":\"custom\",\"host\":\"h\","
        + "\"port\":\"${PORT}\",\"protocol\":\"http\"}}}\n");
    assertThat(errors(read(json, b -> b.env(Map.of("PORT", "8080", "S", "topsecret"))), "m.jsonl")).containsExactly(
        "m.jsonl:1: config.proxy.port: must be an integer 1..65535, got \"${PORT}\";"
            + " config.stealth: must be one of medium, high, ultra, got \"${S}\"");
  }

  @Test
  void jsonInterpolationKeepsTypesStrict() {
    Path json = write(dir, "m.jsonl", "{\"name\":\"${N}\",\"extensionIds\":[\"${E}\"],\"metadata\":{\"o\":{\"p\":\"${E}\"}}}\n");
    Item i = items(read(json, b -> b.env(Map.of("N", "web", "E", "ext")))).get(0);
    assertThat(i.request().name()).isEqualTo("web");
    assertThat(i.request().extensionIds()).containsExactly("ext");
    assertThat(i.request().metadata()).containsEntry("o", Map.of("p", "ext"));
    assertThat(i.key()).startsWith("h-");
  }

  @Test
  void defaultsMustBeAValidBodyOnTheirOwn() {
    Path d = write(dir, "d.json", "{\"config\": {\"stealth\": \"max\"}}");
    Path m = write(dir, "m.csv", "name\na\n");
    assertThatThrownBy(() -> read(m, b -> b.defaults(d))).isInstanceOf(ManifestException.class)
        .hasMessage(d + ": config.stealth: must be one of medium, high, ultra, got \"max\" (in --defaults)");
  }

  @Test
  void defaultsMayNotCarryCountOrKey() {
    Path d = write(dir, "d.json", "{\"count\": 2}");
    Path m = write(dir, "m.csv", "name\na\n");
    assertThatThrownBy(() -> read(m, b -> b.defaults(d))).hasMessage(d + ": \"count\" is not allowed in --defaults; set it per row");
  }

  @Test
  void defaultsWithAnUnsetVariableAreFatal() {
    Path d = write(dir, "d.json", "{\"config\": {\"proxy\": {\"mode\": \"custom\", \"host\": \"h\", \"port\": 1,"
        + " \"protocol\": \"http\", \"password\": \"${PW}\"}}}");
    Path m = write(dir, "m.csv", "name\na\n");
    assertThatThrownBy(() -> read(m, b -> b.defaults(d))).hasMessage(d + ": config.proxy.password: environment variable PW"
        + " is not set; set it, or write the value instead of \"${PW}\" (in --defaults)");
  }

  @Test
  void malformedOrMissingDefaultsAreFatal() {
    Path m = write(dir, "m.csv", "name\na\n");
    Path broken = write(dir, "d.json", "{\"config\": ");
    Path array = write(dir, "a.json", "[]");
    Path missing = dir.resolve("none.json");
    assertThatThrownBy(() -> read(m, b -> b.defaults(broken))).isInstanceOf(ManifestException.class)
        .hasMessage(broken + ":1: malformed JSON in --defaults; fix its quotes, commas and brackets");
    assertThatThrownBy(() -> read(m, b -> b.defaults(array))).hasMessage(array
        + ":1: --defaults must be a JSON object: a partial request body such as {\"config\": {\"stealth\": \"high\"}}");
    assertThatThrownBy(() -> read(m, b -> b.defaults(missing))).hasMessage(missing + ": no such file; check the --defaults path");
  }
}
