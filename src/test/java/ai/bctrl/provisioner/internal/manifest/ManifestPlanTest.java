package ai.bctrl.provisioner.internal.manifest;

import static ai.bctrl.provisioner.internal.manifest.Manifests.SPACE;
import static ai.bctrl.provisioner.internal.manifest.Manifests.SPACE_2;
import static ai.bctrl.provisioner.internal.manifest.Manifests.write;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestPlanTest {
  @TempDir Path dir;

  private static final String MANIFEST = "spaceId,name,count,config.stealth,config.fingerprint.browser,config.proxy.mode,"
      + "config.proxy.id\n"
      + SPACE + ",web,3,high,chrome,saved,0f8fad5b-d9cb-469f-a165-70867728950e\n"
      + SPACE + ",api,2,,,,\n"
      + SPACE_2 + ",gone,1,max,,,\n"
      + SPACE_2 + ",ads,4,ultra,edge,,\n";

  private ManifestPlan plan(Map<String, Outcome> ledger) {
    Path m = write(dir, "m.csv", MANIFEST);
    return ManifestPlan.of(ManifestReader.read(ManifestOptions.builder().path(m).env(Map.of()).build()), ledger, "m.csv")
        .block(Duration.ofSeconds(10));
  }

  @Test
  void withoutALedgerThePlanCountsItemsPerSpaceAndShape() {
    ManifestPlan p = plan(Map.of());
    assertThat(p.validItems()).isEqualTo(9);
    assertThat(p.invalidRows()).isEqualTo(1);
    assertThat(p.errors()).containsExactly("m.csv:4: config.stealth: must be one of medium, high, ultra, got \"max\"");
    assertThat(p.itemsBySpace()).containsExactly(Map.entry(SPACE, 5), Map.entry(SPACE_2, 4));
    assertThat(p.render("m.csv")).isEqualTo("""
        m.csv:4: config.stealth: must be one of medium, high, ultra, got "max"
        plan for m.csv: 9 items in 2 spaces; 1 invalid row (listed above, never sent)
          by space:
            5  0b1e5c3a-7f55-4f0e-9a57-5f3c2a1d9e01
            4  6d2f0a4b-1c3e-4b5d-8e7f-9a0b1c2d3e4f
          by shape (stealth, browser, proxy; - = not set):
            4  ultra   edge    -
            3  high    chrome  saved
            2  -       -       -
        """);
  }

  @Test
  void withALedgerThePlanSaysWhatIsDoneWhatIsToCreateAndWhatIsOrphaned() {
    ManifestPlan p = plan(Map.of("web", Outcome.CREATED, "web#2", Outcome.ADOPTED, "web#3", Outcome.FAILED,
        "api", Outcome.UNKNOWN, "api#2", Outcome.UNHEALTHY, "gone", Outcome.CREATED, "gone#2", Outcome.ADOPTED,
        "old", Outcome.CREATED, "old#2", Outcome.ABORTED, "never", Outcome.FAILED));
    assertThat(p.orphans()).containsExactly(Map.entry("old", Outcome.CREATED), Map.entry("old#2", Outcome.ABORTED));
    assertThat(p.render("m.csv")).endsWith("""
            2  -       -       -
          against the ledger:
            5  to create
            2  already done (created or adopted)
            1  to settle first (unknown or aborted), then create if not found
            1  unhealthy (kept; replaced only with --replace-unhealthy)
          orphaned: 2 ledger keys no longer in the manifest (their runtimes are left as they are):
            old (created)
            old#2 (aborted)
        """);
  }

  @Test
  void withNoListThePlanLeavesUnknownItemsAndSaysResumeCannotAdopt() {
    ManifestPlan p = plan(Map.of("web", Outcome.CREATED, "web#2", Outcome.ABORTED, "api", Outcome.UNKNOWN));
    assertThat(p.render("m.csv", true)).endsWith("""
            1  aborted, to create (--no-list)
            1  unknown, left as they are: --no-list cannot check whether they exist, so they are never created again
          orphaned: none (every ledger runtime is still in the manifest)
          --no-list: no space is listed, so runtimes already there are not adopted and a lost ledger
            cannot be recovered by resume; a create whose answer is lost ends unknown and is never repeated
        """);
  }

  @Test
  void afterTeardownDeletedItemsAreToCreateStoppedOnesKeptAndNeitherIsOrphanedWithoutARuntime() {
    ManifestPlan p = plan(Map.of("web", Outcome.DELETED, "web#2", Outcome.STOPPED, "web#3", Outcome.CREATED,
        "old", Outcome.DELETED, "old#2", Outcome.STOPPED));
    assertThat(p.orphans()).containsExactly(Map.entry("old#2", Outcome.STOPPED));
    assertThat(p.render("m.csv")).endsWith("""
          against the ledger:
            7  to create
            1    of them deleted by teardown, created anew
            1  already done (created or adopted)
            1  stopped by teardown (kept; replaced only with --replace-unhealthy)
          orphaned: 1 ledger key no longer in the manifest (their runtimes are left as they are):
            old#2 (stopped)
        """);
  }

  @Test
  void aLedgerWhoseKeysAreAllInTheManifestHasNoOrphans() {
    ManifestPlan p = plan(Map.of("web", Outcome.CREATED));
    assertThat(p.render("m.csv")).endsWith("""
            1  already done (created or adopted)
          orphaned: none (every ledger runtime is still in the manifest)
        """);
  }

  @Test
  void aFatalManifestErrorFailsThePlan() {
    Path m = write(dir, "m.csv", "name,config.stelth\n");
    reactor.test.StepVerifier.create(ManifestPlan.of(
            ManifestReader.read(ManifestOptions.builder().path(m).env(Map.of()).build()), Map.of()))
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ManifestException.class)
            .hasMessage(m + ":1: unknown column \"config.stelth\"; did you mean \"config.stealth\"?"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void anEmptyManifestPlansNothing() {
    Path m = write(dir, "m.csv", "name\n");
    ManifestPlan p = ManifestPlan.of(ManifestReader.read(ManifestOptions.builder().path(m).env(Map.of()).build()), Map.of())
        .block(Duration.ofSeconds(10));
    assertThat(p.render("m.csv")).isEqualTo("plan for m.csv: 0 items in 0 spaces\n");
  }

  @Test
  void maxItemsIsFatalOnceTheRunningTotalExceedsIt() {
    Path m = write(dir, "m.csv", "name,count\na,5\nb,5\nc,1\n");
    reactor.test.StepVerifier.create(ManifestReader.read(ManifestOptions.builder().path(m).defaultSpace(SPACE)
            .env(Map.of()).maxItems(9L).build()))
        .expectNextCount(5)
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MaxItemsExceededException.class).hasMessage(m
            + ":3: the manifest has more than 9 items (--max-items 9): this row's count 5 brings it to 10;"
            + " check the counts, or raise --max-items"))
        .verify(Duration.ofSeconds(10));
  }
}
