package ai.bctrl.provisioner.internal.manifest;

import static ai.bctrl.provisioner.internal.manifest.Manifests.SAVED_ID;
import static ai.bctrl.provisioner.internal.manifest.Manifests.error;
import static ai.bctrl.provisioner.internal.manifest.Manifests.errors;
import static ai.bctrl.provisioner.internal.manifest.Manifests.item;
import static ai.bctrl.provisioner.internal.manifest.Manifests.read;
import static ai.bctrl.provisioner.internal.manifest.Manifests.write;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.model.Affinity;
import ai.bctrl.provisioner.model.FingerprintBrowser;
import ai.bctrl.provisioner.model.FingerprintLocale;
import ai.bctrl.provisioner.model.IpFamily;
import ai.bctrl.provisioner.model.PoolPreference;
import ai.bctrl.provisioner.model.ProxyProtocol;
import ai.bctrl.provisioner.model.RuntimeType;
import ai.bctrl.provisioner.model.SavedProxy;
import ai.bctrl.provisioner.model.Stealth;
import ai.bctrl.provisioner.model.WireEnum;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestValidationTest {
  @TempDir Path dir;

  private static final String SAVED = "config.proxy.mode,config.proxy.id,";

  static Stream<Arguments> enumColumns() {
    return Stream.of(
        enumColumn("type", "", RuntimeType.class, i -> i.request().type()),
        enumColumn("config.stealth", "", Stealth.class, i -> i.request().config().stealth()),
        enumColumn("config.fingerprint.browser", "", FingerprintBrowser.class,
            i -> i.request().config().fingerprint().browser()),
        enumColumn("config.fingerprint.locale", "", FingerprintLocale.class,
            i -> i.request().config().fingerprint().locale()),
        enumColumn("config.proxy.protocol", "custom,h,1,", ProxyProtocol.class,
            i -> ((ai.bctrl.provisioner.model.CustomProxy) i.request().config().proxy().orElseThrow()).protocol()),
        enumColumn("config.proxy.overrides.ipFamily", "saved," + SAVED_ID + ",", IpFamily.class,
            i -> saved(i).overrides().ipFamily()),
        enumColumn("config.proxy.overrides.poolPreference", "saved," + SAVED_ID + ",", PoolPreference.class,
            i -> saved(i).overrides().poolPreference()),
        enumColumn("config.proxy.overrides.protocol", "saved," + SAVED_ID + ",", ProxyProtocol.class,
            i -> saved(i).overrides().protocol()));
  }

  private static <E extends Enum<E> & WireEnum> Arguments enumColumn(String column, String prefixCells, Class<E> type,
      Function<Item, Object> get) {
    String prefixColumns = prefixCells.isEmpty() ? ""
        : prefixCells.startsWith("custom") ? "config.proxy.mode,config.proxy.host,config.proxy.port," : SAVED;
    return Arguments.of(column, prefixColumns, prefixCells, type, get);
  }

  private static SavedProxy saved(Item i) {
    return (SavedProxy) i.request().config().proxy().orElseThrow();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("enumColumns")
  <E extends Enum<E> & WireEnum> void everyWireValueOfEveryEnumIsAcceptedAndAnythingElseNamesThemAll(
      String column, String prefixColumns, String prefixCells, Class<E> type, Function<Item, Object> get) {
    String header = "name," + prefixColumns + column;
    for (E e : type.getEnumConstants()) {
      assertThat(get.apply(item(dir, header, "a," + prefixCells + e.wire()))).isEqualTo(e);
    }
    assertThat(error(dir, header, "a," + prefixCells + "Nope"))
        .isEqualTo("m.csv:2: " + column + ": must be one of " + WireEnum.wireNames(type) + ", got \"Nope\"");
  }

  @Test
  void typeMayBeOmittedAndDefaultsToBrowser() {
    assertThat(item(dir, "name", "a").request().type()).isEqualTo(RuntimeType.BROWSER);
  }

  @Test
  void aCustomProxyNeedsHostPortAndProtocol() {
    assertThat(error(dir, "name,config.proxy.mode", "a,custom")).isEqualTo(
        "m.csv:2: config.proxy.host: is required for a custom proxy; config.proxy.port: is required for a custom proxy;"
            + " config.proxy.protocol: is required for a custom proxy");
  }

  @Test
  void portsAreOneTo65535() {
    String h = "name,config.proxy.mode,config.proxy.host,config.proxy.protocol,config.proxy.port";
    assertThat(item(dir, h, "a,custom,h,http,1")).isNotNull();
    assertThat(item(dir, h, "a,custom,h,http,65535")).isNotNull();
    assertThat(error(dir, h, "a,custom,h,http,0")).isEqualTo("m.csv:2: config.proxy.port: must be an integer 1..65535, got \"0\"");
    assertThat(error(dir, h, "a,custom,h,http,65536"))
        .isEqualTo("m.csv:2: config.proxy.port: must be an integer 1..65535, got \"65536\"");
    assertThat(error(dir, h, "a,custom,h,http,80a")).isEqualTo("m.csv:2: config.proxy.port: must be an integer 1..65535, got \"80a\"");
  }

  @Test
  void aSavedProxyNeedsAUuid() {
    assertThat(error(dir, "name,config.proxy.mode", "a,saved"))
        .isEqualTo("m.csv:2: config.proxy.id: is required for a saved proxy (its uuid)");
    assertThat(error(dir, "name,config.proxy.mode,config.proxy.id", "a,saved,not-a-uuid"))
        .isEqualTo("m.csv:2: config.proxy.id: must be a uuid such as 0f8fad5b-d9cb-469f-a165-70867728950e, got \"not-a-uuid\"");
    assertThat(error(dir, "name,config.proxy.mode,config.proxy.id", "a,saved,1-1-1-1-1"))
        .isEqualTo("m.csv:2: config.proxy.id: must be a uuid such as 0f8fad5b-d9cb-469f-a165-70867728950e, got \"1-1-1-1-1\"");
  }

  @Test
  void fieldsOfTheOtherProxyVariantAreErrors() {
    assertThat(error(dir, "name,config.proxy.mode,config.proxy.id,config.proxy.host", "a,saved," + SAVED_ID + ",h"))
        .isEqualTo("m.csv:2: config.proxy.host: is only for mode custom");
    assertThat(error(dir, "name,config.proxy.mode,config.proxy.host,config.proxy.port,config.proxy.protocol,"
        + "config.proxy.overrides.ipFamily", "a,custom,h,1,http,ipv4-only"))
        .isEqualTo("m.csv:2: config.proxy.overrides: is only for mode saved");
  }

  @Test
  void proxyFieldsWithoutAModeAskForIt() {
    assertThat(error(dir, "name,config.proxy.host", "a,h")).isEqualTo("m.csv:2: config.proxy.mode: is required: custom or saved");
    assertThat(error(dir, "name,config.proxy.mode", "a,direct"))
        .isEqualTo("m.csv:2: config.proxy.mode: must be one of custom, saved, got \"direct\"");
  }

  @Test
  void affinityHasRotateAndStickyVariants() {
    String h = "name," + SAVED + "config.proxy.overrides.affinity.strategy,config.proxy.overrides.affinity.key";
    assertThat(saved(item(dir, h, "a,saved," + SAVED_ID + ",rotate,")).overrides().affinity()).isEqualTo(new Affinity.Rotate());
    assertThat(saved(item(dir, h, "a,saved," + SAVED_ID + ",sticky,")).overrides().affinity()).isEqualTo(new Affinity.Sticky(null));
    assertThat(saved(item(dir, h, "a,saved," + SAVED_ID + ",sticky,k")).overrides().affinity()).isEqualTo(new Affinity.Sticky("k"));
    assertThat(error(dir, h, "a,saved," + SAVED_ID + ",rotate,k"))
        .isEqualTo("m.csv:2: config.proxy.overrides.affinity.key: is only for strategy sticky");
    assertThat(error(dir, h, "a,saved," + SAVED_ID + ",,k"))
        .isEqualTo("m.csv:2: config.proxy.overrides.affinity.strategy: is required: rotate or sticky");
    assertThat(error(dir, h, "a,saved," + SAVED_ID + ",random,"))
        .isEqualTo("m.csv:2: config.proxy.overrides.affinity.strategy: must be one of rotate, sticky, got \"random\"");
  }

  @Test
  void anExplicitNullProxyMeansNoProxy() {
    List<ManifestEntry> all = read(write(dir, "m.jsonl", "{\"name\":\"a\",\"config\":{\"proxy\":null}}\n"));
    assertThat(((ManifestEntry.Valid) all.get(0)).item().request().config().proxy()).isEmpty();
  }

  @Test
  void countIsOneTo10000() {
    assertThat(error(dir, "name,count", "a,0")).isEqualTo("m.csv:2: count: must be an integer 1..10000, got \"0\"");
    assertThat(error(dir, "name,count", "a,10001")).isEqualTo("m.csv:2: count: must be an integer 1..10000, got \"10001\"");
    assertThat(error(dir, "name,count", "a,many")).isEqualTo("m.csv:2: count: must be an integer 1..10000, got \"many\"");
  }

  @Test
  void aRowWithoutAnySpaceIsInvalid() {
    List<ManifestEntry> all = Manifests.read(write(dir, "m.csv", "name\na\n"), b -> b.defaultSpace(null));
    assertThat(errors(all, "m.csv")).containsExactly(
        "m.csv:2: spaceId: is required: set it in the row, in --defaults, or with --space (BCTRL_SPACE_ID)");
  }

  @Test
  void aSpaceIdWithSlashesOrSpacesIsInvalid() {
    assertThat(error(dir, "name,spaceId", "a,../x"))
        .isEqualTo("m.csv:2: spaceId: must be 1..200 characters of A-Z a-z 0-9 . _ : @ -, got \"../x\"");
  }

  @Test
  void severalBadFieldsAreListedOnOneLine() {
    assertThat(error(dir, "name,config.stealth,config.humanize,count", "a,max,maybe,0")).isEqualTo(
        "m.csv:2: count: must be an integer 1..10000, got \"0\"; config.humanize: must be true or false, got \"maybe\";"
            + " config.stealth: must be one of medium, high, ultra, got \"max\"");
  }

  @Test
  void anInvalidEntryCarriesItsRowsKeySpaceAndName() {
    ManifestEntry.Invalid i = (ManifestEntry.Invalid) Manifests.one(dir, "name,config.stealth", "web,max");
    assertThat(i.key()).isEqualTo("web");
    assertThat(i.name()).isEqualTo("web");
    assertThat(i.spaceId()).isEqualTo(Manifests.SPACE);
    assertThat(i.field()).isEqualTo("config.stealth");
    var r = i.toResult(java.time.Instant.EPOCH, "m.csv");
    assertThat(r.outcome()).isEqualTo(ai.bctrl.provisioner.Outcome.INVALID);
    assertThat(r.error()).isEqualTo("m.csv:2: config.stealth: must be one of medium, high, ultra, got \"max\"");
    assertThat(i.toResult(java.time.Instant.EPOCH).error()).isEqualTo("config.stealth: must be one of medium, high, ultra, got \"max\"");
    assertThat(r.line()).isEqualTo(2);
  }

  @Test
  void jsonMetadataMayNotSetTheProvisionerKey() {
    List<ManifestEntry> all = read(write(dir, "m.jsonl", "{\"name\":\"a\",\"metadata\":{\"provisionerKey\":\"x\"}}\n"));
    assertThat(errors(all, "m.jsonl"))
        .containsExactly("m.jsonl:1: metadata.provisionerKey: is set by the provisioner (the item key); remove it");
  }

  @Test
  void anEmptyCustomHostIsInvalidInJson() {
    List<ManifestEntry> all = read(write(dir, "m.jsonl",
        "{\"config\":{\"proxy\":{\"mode\":\"custom\",\"host\":\" \",\"port\":1,\"protocol\":\"http\"}}}\n"));
    assertThat(errors(all, "m.jsonl")).containsExactly("m.jsonl:1: config.proxy.host: must not be empty");
  }

  @Test
  void aProxyPasswordOfTheWrongTypeIsNeverShownInTheError() {
    List<ManifestEntry> all = read(write(dir, "m.jsonl",
        "{\"config\":{\"proxy\":{\"mode\":\"custom\",\"host\":\"h\",\"port\":1,\"protocol\":\"http\",\"password\":918273645}}}\n"
            + "{\"name\":\"b\",\"config\":{\"proxy\":{\"mode\":\"custom\",\"host\":\"h\",\"port\":1,\"protocol\":\"http\",\"password\":[\"hunter2\"]}}}\n"));
    assertThat(errors(all, "m.jsonl")).containsExactly(
        "m.jsonl:1: config.proxy.password: must be a string, got a number",
        "m.jsonl:2: config.proxy.password: must be a string, got an array");
  }

  @Test
  void aDefaultsProxyPasswordOfTheWrongTypeIsNeverShownInTheError() {
    Path defaults = write(dir, "d.json",
        "{\"config\":{\"proxy\":{\"mode\":\"custom\",\"host\":\"h\",\"port\":1,\"protocol\":\"http\",\"password\":918273645}}}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(write(dir, "m.csv", "name\na\n"), b -> b.defaults(defaults)))
        .isInstanceOf(ManifestException.class)
        .hasMessage(defaults + ": config.proxy.password: must be a string, got a number (in --defaults)");
  }
}
