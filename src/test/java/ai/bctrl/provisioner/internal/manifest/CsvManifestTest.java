package ai.bctrl.provisioner.internal.manifest;

import static ai.bctrl.provisioner.internal.manifest.Manifests.SAVED_ID;
import static ai.bctrl.provisioner.internal.manifest.Manifests.SPACE;
import static ai.bctrl.provisioner.internal.manifest.Manifests.error;
import static ai.bctrl.provisioner.internal.manifest.Manifests.item;
import static ai.bctrl.provisioner.internal.manifest.Manifests.items;
import static ai.bctrl.provisioner.internal.manifest.Manifests.read;
import static ai.bctrl.provisioner.internal.manifest.Manifests.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.model.Affinity;
import ai.bctrl.provisioner.model.CustomProxy;
import ai.bctrl.provisioner.model.FingerprintBrowser;
import ai.bctrl.provisioner.model.FingerprintLocale;
import ai.bctrl.provisioner.model.IpFamily;
import ai.bctrl.provisioner.model.PoolPreference;
import ai.bctrl.provisioner.model.ProxyProtocol;
import ai.bctrl.provisioner.model.RuntimeType;
import ai.bctrl.provisioner.model.SavedProxy;
import ai.bctrl.provisioner.model.Stealth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvManifestTest {
  @TempDir Path dir;

  @Test
  void everyTopLevelColumnReachesTheRequest() {
    Item i = item(dir, "type,name,profile,extensionIds,metadata.team,metadata.cost.center",
        "browser,web-1,prof-a,ext-a; ext-b;;ext-c,growth,42");
    assertThat(i.request().type()).isEqualTo(RuntimeType.BROWSER);
    assertThat(i.request().name()).isEqualTo("web-1");
    assertThat(i.request().profile()).isEqualTo("prof-a");
    assertThat(i.request().extensionIds()).containsExactly("ext-a", "ext-b", "ext-c");
    assertThat(i.request().metadata()).containsEntry("team", "growth").containsEntry("cost.center", "42")
        .containsEntry("provisionerKey", "web-1");
    assertThat(i.spaceId()).isEqualTo(SPACE);
    assertThat(i.line()).isEqualTo(2);
  }

  /** A row's tree as written and as interpolated part at its first ${NAME}: both keep every cell. */
  @Test
  void aVariableAfterOtherCellsOfTheSameObjectKeepsThemAll() {
    List<Item> got = items(read(write(dir, "m.csv", "name,config.stealth,config.proxy.mode,config.proxy.host,"
        + "config.proxy.port,config.proxy.protocol,config.proxy.username,config.proxy.password,metadata.team\n"
        + "a,high,custom,h.example,8080,http,u,${PW},t-1\n"
        + "b,high,custom,h.example,8080,http,u,plain,t-2\n"), b -> b.env(Map.of("PW", "s3cr3t"))));
    assertThat(got).hasSize(2);
    var a = got.get(0).request();
    assertThat(a.config().stealth()).isEqualTo(Stealth.HIGH);
    assertThat(a.config().proxy()).hasValue(new CustomProxy("h.example", 8080, ProxyProtocol.HTTP, "u", "s3cr3t"));
    assertThat(a.metadata()).containsEntry("team", "t-1");
    assertThat(got.get(1).request().config().proxy()).hasValue(new CustomProxy("h.example", 8080, ProxyProtocol.HTTP, "u", "plain"));
  }

  @Test
  void configColumnsAreConvertedToTheirTypes() {
    Item i = item(dir, "name,config.stealth,config.humanize,config.humanizePersonaId,config.solveCaptchas,"
        + "config.fingerprint.browser,config.fingerprint.locale", "a,ultra,TRUE,12345678901,False,edge,pt-BR");
    var c = i.request().config();
    assertThat(c.stealth()).isEqualTo(Stealth.ULTRA);
    assertThat(c.humanize()).isTrue();
    assertThat(c.humanizePersonaId()).isEqualTo(12345678901L);
    assertThat(c.solveCaptchas()).isFalse();
    assertThat(c.fingerprint().browser()).isEqualTo(FingerprintBrowser.EDGE);
    assertThat(c.fingerprint().locale()).isEqualTo(FingerprintLocale.PT_BR);
    assertThat(c.proxy()).isNull();
  }

  @Test
  void aCustomProxyRowBuildsACustomProxy() {
    Item i = item(dir, "name,config.proxy.mode,config.proxy.host,config.proxy.port,config.proxy.protocol,"
        + "config.proxy.username,config.proxy.password", "a,custom,proxy.example.com,1080,socks5,bob,pw");
    assertThat(i.request().config().proxy()).contains(
        new CustomProxy("proxy.example.com", 1080, ProxyProtocol.SOCKS5, "bob", "pw"));
  }

  @Test
  void aSavedProxyRowBuildsEveryOverride() {
    Item i = item(dir, "name,config.proxy.mode,config.proxy.id,config.proxy.overrides.affinity.strategy,"
        + "config.proxy.overrides.affinity.key,config.proxy.overrides.geo.city,config.proxy.overrides.geo.country,"
        + "config.proxy.overrides.geo.isp,config.proxy.overrides.geo.region,config.proxy.overrides.ipFamily,"
        + "config.proxy.overrides.poolPreference,config.proxy.overrides.protocol",
        "a,saved," + SAVED_ID + ",sticky,s-1,Berlin,DE,Telekom,BE,ipv4-only,max-pool,http");
    SavedProxy p = (SavedProxy) i.request().config().proxy().orElseThrow();
    assertThat(p.id()).isEqualTo(UUID.fromString(SAVED_ID));
    assertThat(p.overrides().affinity()).isEqualTo(new Affinity.Sticky("s-1"));
    assertThat(p.overrides().geo().city()).isEqualTo("Berlin");
    assertThat(p.overrides().geo().country()).isEqualTo("DE");
    assertThat(p.overrides().geo().isp()).isEqualTo("Telekom");
    assertThat(p.overrides().geo().region()).isEqualTo("BE");
    assertThat(p.overrides().ipFamily()).isEqualTo(IpFamily.IPV4_ONLY);
    assertThat(p.overrides().poolPreference()).isEqualTo(PoolPreference.MAX_POOL);
    assertThat(p.overrides().protocol()).isEqualTo(ProxyProtocol.HTTP);
  }

  @Test
  void rowColumnsSetSpaceCountAndKey() {
    List<Item> items = items(read(write(dir, "m.csv",
        "spaceId,count,key,name\n" + Manifests.SPACE_2 + ",3,web,w\n")));
    assertThat(items).extracting(Item::key).containsExactly("web", "web#2", "web#3");
    assertThat(items).extracting(Item::name).containsExactly("w", "w-2", "w-3");
    assertThat(items).extracting(Item::spaceId).containsOnly(Manifests.SPACE_2);
  }

  @Test
  void anEmptyCellIsAbsent() {
    Item i = item(dir, "name,profile,config.stealth,config.humanize", "a,,,");
    assertThat(i.request().profile()).isNull();
    assertThat(i.request().config()).isNull();
  }

  @Test
  void anUnknownColumnFailsAtTheHeaderAndSuggestsTheNearestOne() {
    Path m = write(dir, "manifest.csv", "name,config.stelth\na,high\n");
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class)
        .hasMessage(m + ":1: unknown column \"config.stelth\"; did you mean \"config.stealth\"?");
  }

  @Test
  void aMisspeltMetadataColumnSuggestsMetadata() {
    Path m = write(dir, "manifest.csv", "name,metdata.team\na,x\n");
    assertThatThrownBy(() -> read(m)).hasMessage(m + ":1: unknown column \"metdata.team\"; did you mean \"metadata.team\"?");
  }

  @Test
  void aFarOffUnknownColumnListsTheKnownOnes() {
    Path m = write(dir, "manifest.csv", "name,colour\na,x\n");
    assertThatThrownBy(() -> read(m)).hasMessageStartingWith(m + ":1: unknown column \"colour\"; known columns: type, name,");
  }

  @Test
  void aRepeatedColumnFailsAtTheHeader() {
    Path m = write(dir, "manifest.csv", "name,name\na,b\n");
    assertThatThrownBy(() -> read(m)).hasMessage(m + ":1: column \"name\" appears twice in the header; remove one");
  }

  @Test
  void aByteOrderMarkCrlfAndQuotedLineBreaksKeepLineNumbersRight() {
    String csv = "\uFEFFname,metadata.note,config.proxy.port,config.proxy.mode,config.proxy.host,config.proxy.protocol\r\n"
        + "a,\"one, two\",80,custom,h,http\r\n"
        + "b,\"first line\r\nsecond \"\"quoted\"\" line\nthird\",81,custom,h,http\r\n"
        + "c,plain,80a,custom,h,http\r\n"
        + "\r\n\r\n";
    List<ManifestEntry> all = read(write(dir, "m.csv", csv.getBytes(StandardCharsets.UTF_8)));
    assertThat(all).hasSize(3);
    assertThat(all.get(0).line()).isEqualTo(2);
    Item b = ((ManifestEntry.Valid) all.get(1)).item();
    assertThat(b.line()).isEqualTo(3);
    assertThat(b.request().metadata().get("note")).isEqualTo("first line\r\nsecond \"quoted\" line\nthird");
    assertThat(((ManifestEntry.Invalid) all.get(2)).describe("m.csv"))
        .isEqualTo("m.csv:6: config.proxy.port: must be an integer 1..65535, got \"80a\"");
    assertThat(((ManifestEntry.Valid) all.get(0)).item().request().metadata().get("note")).isEqualTo("one, two");
  }

  @Test
  void blankAndCommaOnlyLinesAreSkippedButCounted() {
    List<ManifestEntry> all = read(write(dir, "m.csv", "\nname,profile\n\n,\na,\n\n\nb,p\n\n"));
    assertThat(all).extracting(ManifestEntry::line).containsExactly(5L, 8L);
  }

  @Test
  void aLoneCarriageReturnEndsALine() {
    List<ManifestEntry> all = read(write(dir, "m.csv", "name\ra\rb\r"));
    assertThat(all).extracting(ManifestEntry::line).containsExactly(2L, 3L);
  }

  @Test
  void aRowWithMoreCellsThanColumnsIsInvalid() {
    assertThat(error(dir, "name,profile", "a,b,c"))
        .isEqualTo("m.csv:2: has 3 cells but the header has 2 columns; quote cells that hold commas");
  }

  @Test
  void trailingEmptyCellsBeyondTheHeaderAreIgnoredAndMissingCellsAreAbsent() {
    assertThat(item(dir, "name,profile,config.stealth", "a,b,,,").request().profile()).isEqualTo("b");
    assertThat(item(dir, "name,profile,config.stealth", "a").request().profile()).isNull();
  }

  @Test
  void anUnclosedQuoteIsFatalAndNamesTheLineWhereItOpens() {
    Path m = write(dir, "m.csv", "name,profile\na,b\nc,\"never closed\nmore\nlines\n");
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class)
        .hasMessage(m + ":3: the quoted cell opened at column 3 is never closed; close its quote, and double any quote inside it (\"\")");
  }

  @Test
  void textAfterAClosingQuoteIsFatal() {
    Path m = write(dir, "m.csv", "name,profile\n\"a\"b,c\n");
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class)
        .hasMessage(m + ":2: \"b\" after the closing quote of a cell in column 1; quote the whole cell and double any quote inside it (\"\")");
  }

  @Test
  void anEmptyFileIsFatal() {
    Path m = write(dir, "m.csv", "");
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class)
        .hasMessage(m + ":1: the file is empty; a CSV manifest starts with a header row of column names such as name,config.stealth,count");
  }

  @Test
  void aHeaderAloneHasNoItems() {
    assertThat(read(write(dir, "m.csv", "name,profile\r\n"))).isEmpty();
  }

  @Test
  void binaryJunkIsFatal() {
    Path m = write(dir, "m.csv", new byte[] {'n', 'a', 'm', 'e', '\n', 0, 1, 2, (byte) 0xff});
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class)
        .hasMessage(m + ":2: holds a NUL character, so it is binary data, not CSV text; give a UTF-8 CSV file");
  }

  @Test
  void invalidUtf8IsFatal() {
    Path m = write(dir, "m.csv", new byte[] {'n', 'a', 'm', 'e', '\n', 'a', '\n', (byte) 0xc3, (byte) 0x28, '\n'});
    assertThatThrownBy(() -> read(m)).isInstanceOf(ManifestException.class)
        .hasMessage(m + ":3: is not UTF-8 text; save the file as UTF-8");
  }

  @Test
  void booleansTakeAnyCaseAndRejectTheRest() {
    assertThat(item(dir, "name,config.humanize", "a,tRuE").request().config().humanize()).isTrue();
    assertThat(error(dir, "name,config.humanize", "a,yes"))
        .isEqualTo("m.csv:2: config.humanize: must be true or false, got \"yes\"");
  }

  @Test
  void integersAreDecimal() {
    assertThat(error(dir, "name,config.humanizePersonaId", "a,0x10"))
        .isEqualTo("m.csv:2: config.humanizePersonaId: must be an integer, got \"0x10\"");
    assertThat(error(dir, "name,config.humanizePersonaId", "a,99999999999999999999"))
        .isEqualTo("m.csv:2: config.humanizePersonaId: must be an integer in the 64-bit range, got \"99999999999999999999\"");
    assertThat(item(dir, "name,config.humanizePersonaId", "a,-7").request().config().humanizePersonaId()).isEqualTo(-7L);
  }

  @Test
  void metadataCellsStayStrings() {
    assertThat(item(dir, "name,metadata.n", "a,8080").request().metadata()).containsEntry("n", "8080");
  }

  @Test
  void theProvisionerKeyMetadataColumnIsRefused() {
    Path m = write(dir, "m.csv", "name,metadata.provisionerKey\na,b\n");
    assertThatThrownBy(() -> read(m)).hasMessage(m
        + ":1: column \"metadata.provisionerKey\" is set by the provisioner (the item key); remove it, or use the key column");
  }

  @Test
  void headerNamesAreTrimmed() {
    assertThat(item(dir, " name , profile ", "a,b").request().profile()).isEqualTo("b");
  }

  @Test
  void metadataMapsAreReadOnlyPlainStrings() {
    assertThat(item(dir, "name,metadata.a", "x,\"\"\"q\"\"\"").request().metadata()).isEqualTo(
        Map.of("a", "\"q\"", "provisionerKey", "x"));
  }
}
