package ai.bctrl.provisioner.internal.manifest;

import static ai.bctrl.provisioner.internal.manifest.Manifests.SPACE;
import static ai.bctrl.provisioner.internal.manifest.Manifests.SPACE_2;
import static ai.bctrl.provisioner.internal.manifest.Manifests.errors;
import static ai.bctrl.provisioner.internal.manifest.Manifests.items;
import static ai.bctrl.provisioner.internal.manifest.Manifests.read;
import static ai.bctrl.provisioner.internal.manifest.Manifests.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bctrl.provisioner.Item;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestKeysTest {
  @TempDir Path dir;

  /**
   * The canonical JSON of this row is
   * {@code ["0b1e5c3a-7f55-4f0e-9a57-5f3c2a1d9e01",{"config":{"humanizePersonaId":7,"stealth":"high"},"extensionIds":["a","b"],"profile":"p1"}]};
   * {@code printf '%s' '<that>' | sha256sum} starts with 3eda2fa556f4fb25.
   */
  @Test
  void aRowWithoutKeyOrNameIsKeyedByTheHashOfItsSpaceAndTypedBody() {
    List<Item> csv = items(read(write(dir, "m.csv",
        "profile,config.stealth,extensionIds,config.humanizePersonaId,count\np1,high,a;b,7,2\n")));
    assertThat(csv).extracting(Item::key).containsExactly("h-3eda2fa556f4fb25", "h-3eda2fa556f4fb25#2");
    List<Item> json = items(read(write(dir, "m.jsonl",
        "{\"count\": 2, \"profile\": \"p1\", \"extensionIds\": [\"a\", \"b\"], \"config\": {\"stealth\": \"high\", \"humanizePersonaId\": 7}}\n")));
    assertThat(json).extracting(Item::key).containsExactly("h-3eda2fa556f4fb25", "h-3eda2fa556f4fb25#2");
  }

  @Test
  void theHashIsTakenBeforeDefaultsAndBeforeInterpolation() {
    Path defaults = write(dir, "d.json", "{\"config\": {\"solveCaptchas\": true}, \"spaceId\": \"" + SPACE + "\"}");
    Path m = write(dir, "m.csv", "profile,config.stealth,extensionIds,config.humanizePersonaId,metadata.x\np1,high,a;b,7,${X}\n");
    String withX1 = items(read(m, b -> b.defaults(defaults).env(Map.of("X", "1")))).get(0).key();
    String withX2 = items(read(m, b -> b.env(Map.of("X", "2")))).get(0).key();
    assertThat(withX1).isEqualTo(withX2).startsWith("h-").hasSize(18);
  }

  @Test
  void theSameBodyInAnotherSpaceHasAnotherKey() {
    List<Item> items = items(read(write(dir, "m.csv", "spaceId,profile\n" + SPACE + ",p\n" + SPACE_2 + ",p\n")));
    assertThat(items.get(0).key()).isNotEqualTo(items.get(1).key());
  }

  @Test
  void theKeyColumnWinsOverTheNameAndAnInvalidNameFallsBackToTheHash() {
    List<Item> items = items(read(write(dir, "m.csv", "key,name\nk-1,n-1\n,n-2\n,bad name\n")));
    assertThat(items).extracting(Item::key).startsWith("k-1", "n-2");
    assertThat(items.get(2).key()).startsWith("h-");
    assertThat(items).extracting(Item::name).containsExactly("n-1", "n-2", "bad name");
  }

  @Test
  void changingTheCountOnlyAddsItems() {
    List<Item> two = items(read(write(dir, "m.csv", "profile,count\np,2\n")));
    List<Item> four = items(read(write(dir, "m.csv", "profile,count\np,4\n")));
    assertThat(four.subList(0, 2)).extracting(Item::key).isEqualTo(two.stream().map(Item::key).toList());
    assertThat(four).hasSize(4);
  }

  @Test
  void namesOfLaterItemsGetTheirNumber() {
    List<Item> items = items(read(write(dir, "m.csv", "name,count\nweb,3\n")));
    assertThat(items).extracting(Item::name).containsExactly("web", "web-2", "web-3");
    assertThat(items).extracting(i -> i.request().provisionerKey()).containsExactly("web", "web#2", "web#3");
  }

  @Test
  void theBatchPrefixesEveryKeyIncludingInvalidRows() {
    List<ManifestEntry> all = read(write(dir, "m.csv", "name,count,config.stealth\nweb,2,\nbad,1,max\n"),
        b -> b.batch("nightly-2026.11.29"));
    assertThat(items(all.subList(0, 2))).extracting(Item::key)
        .containsExactly("nightly-2026.11.29:web", "nightly-2026.11.29:web#2");
    assertThat(((ManifestEntry.Invalid) all.get(2)).key()).isEqualTo("nightly-2026.11.29:bad");
  }

  @Test
  void anInvalidBatchIsAUsageError() {
    Path m = write(dir, "m.csv", "name\na\n");
    assertThatThrownBy(() -> ManifestOptions.builder().path(m).batch("a:b").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch must be 1..200 characters of A-Z a-z 0-9 . _ @ / - (no ':') but was \"a:b\"");
    assertThatThrownBy(() -> ManifestOptions.builder().path(m).batch("").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ManifestOptions.builder().path(m).batch("a b").build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anInvalidExplicitKeyIsAnErrorAndTheRowIsKeyedByItsLine() {
    List<ManifestEntry> all = read(write(dir, "m.csv", "key,name\nhas#hash,a\n" + "x".repeat(201) + ",b\n"));
    assertThat(errors(all, "m.csv")).containsExactly(
        "m.csv:2: key: must be 1..200 characters of A-Z a-z 0-9 . _ : @ / -, got \"has#hash\"",
        "m.csv:3: key: must be 1..200 characters of A-Z a-z 0-9 . _ : @ / -, got \"" + "x".repeat(75) + "...\"");
    assertThat(all).extracting(e -> ((ManifestEntry.Invalid) e).key()).containsExactly("line-2", "line-3");
  }

  @Test
  void aKeyOfExactly200AllowedCharactersIsValid() {
    String key = "aZ09._:@/-".repeat(20);
    assertThat(items(read(write(dir, "m.csv", "key\n" + key + "\n")))).extracting(Item::key).containsExactly(key);
  }

  @Test
  void theLaterOfTwoRowsWithTheSameKeyIsInvalid() {
    List<ManifestEntry> all = read(write(dir, "m.csv", "key,name,profile\nk,a,\n,k,\n,,p\n,,p\n"));
    assertThat(all.get(0)).isInstanceOf(ManifestEntry.Valid.class);
    assertThat(all.get(2)).isInstanceOf(ManifestEntry.Valid.class);
    String hash = ((ManifestEntry.Valid) all.get(2)).item().key();
    assertThat(errors(all, "m.csv")).containsExactly(
        "m.csv:3: key: \"k\" is the key of an earlier row too; give each row its own key or name, or one row a higher count",
        "m.csv:5: key: \"" + hash + "\" is the key of an earlier row too (the same content in the same space);"
            + " give each row its own key or name, or one row a higher count");
  }

  @Test
  void aDuplicateRowIsRecordedUnderItsLineSoItNeverOverwritesTheEarlierRowsOutcome() {
    List<ManifestEntry> all = read(write(dir, "m.csv", "key,name\nk,a\nk,b\n"));
    assertThat(all.get(1)).isInstanceOfSatisfying(ManifestEntry.Invalid.class,
        inv -> assertThat(inv.key()).isEqualTo("line-3"));
  }

  @Test
  void theItemKeyIsStampedIntoMetadata() {
    Item i = items(read(write(dir, "m.csv", "key,metadata.team\nk,t\n"))).get(0);
    assertThat(i.request().metadata()).containsEntry("provisionerKey", "k").containsEntry("team", "t");
  }

  @Test
  void keysAreStableAcrossReads() {
    Path m = write(dir, "m.csv", "profile,config.stealth\np,high\nq,ultra\n");
    assertThat(items(read(m))).extracting(Item::key).isEqualTo(items(read(m)).stream().map(Item::key).toList());
  }

  @Test
  void aRepeatedInterpolatedKeyIsQuotedAsWrittenNotAsItsValue() {
    List<ManifestEntry> all = read(write(dir, "m.csv", "key,name\n${K},a\n${K},b\n"), b -> b.env(Map.of("K", "s3cr3t")));
    assertThat(errors(all, "m.csv")).containsExactly(
        "m.csv:3: key: \"${K}\" is the key of an earlier row too; give each row its own key, or one row a higher count");
  }
}
