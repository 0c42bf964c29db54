package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.ledger.LedgerReader;
import ai.bctrl.provisioner.sandbox.FaultKind;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import ai.bctrl.provisioner.sandbox.SandboxStats;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} and {@code teardown} in this JVM over real HTTP against the sandbox, with faults on
 * every call, asserting on the sandbox's own record of what it stopped and deleted.
 */
class TeardownE2ETest {
  static final long SEED = 20261201L;

  @TempDir Path dir;
  SandboxServer sandbox;
  StringWriter err;

  @BeforeEach
  void startSandbox() {
    sandbox = SandboxServer.start(SandboxConfig.builder().port(0)
        .latency(Duration.ofMillis(1), Duration.ofMillis(5)).seed(SEED).build());
  }

  @AfterEach
  void stopSandbox() {
    sandbox.close();
  }

  int cli(String... args) {
    err = new StringWriter();
    return cli(new PrintWriter(err, true), sandbox.apiKey(), args);
  }

  int cli(PrintWriter stderr, String apiKey, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("BCTRL_API_KEY", apiKey);
    env.put("BCTRL_BASE_URL", sandbox.baseUrl().toString());
    env.put("BCTRL_SPACE_ID", "space-e2e");
    Io io = new Io(new PrintWriter(new StringWriter(), true), stderr,
        new ByteArrayInputStream(new byte[0]), env, dir, false);
    return Main.execute(args, io);
  }

  /** Provisions {@code n} runtimes in space-e2e (no faults); returns the ledger. */
  Path provision(int n) throws IOException {
    Files.writeString(dir.resolve("m.csv"), "key,count\nweb," + n + "\n");
    assertThat(cli("run", "m.csv", "--quiet", "--rate", "0")).as(err.toString()).isZero();
    return dir.resolve("m.ledger.csv");
  }

  @Test
  void aRuntimeWhoseTeardownFailsKeepsItsRecordIsToldAndCountedExits2AndTheNextTeardownPicksItUp()
      throws IOException {
    Path ledger = provision(4);
    Map<String, ItemResult> before = last(ledger);
    sandbox.reconfigure(sandbox.config().toBuilder().faults(Map.of(FaultKind.HTTP_503, 1.0)).build());

    int code = cli("teardown", ledger.toString(), "--yes", "--quiet", "--rate", "0", "--max-attempts", "2",
        "--summary", "t.json", "--report", "t.html");

    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(last(ledger)).as("no record for a runtime not torn down").isEqualTo(before);
    assertThat(sandbox.stats().stopsByRuntime()).isEmpty();
    assertThat(sandbox.stats().runtimes()).isEqualTo(4);
    for (ItemResult r : before.values()) {
      assertThat(err.toString()).contains("provisioner: not torn down: " + r.key() + " (runtime " + r.runtimeId()
          + ", space space-e2e): ");
    }
    assertThat(err.toString()).contains("0 deleted, 4 failed, 0 aborted", "exit code  2");
    String json = Files.readString(dir.resolve("t.json"));
    assertThat(json).contains("\"failed\" : 4", "\"exitCode\" : 2", before.get("web#3").runtimeId());
    String html = Files.readString(dir.resolve("t.html"));
    assertThat(ReportFileTest.text(html, "exit-code")).isEqualTo("2");
    assertThat(ReportFileTest.text(html, "outcome-failed")).isEqualTo("4");

    sandbox.reconfigure(sandbox.config().toBuilder().faults(Map.of()).build());
    assertThat(cli("teardown", ledger.toString(), "--yes", "--rate", "0")).as(err.toString()).isZero();
    assertThat(err.toString()).as("progress, as a run shows it").contains("progress: [####################] 4/4");
    assertThat(sandbox.stats().deletesByRuntime().keySet()).isEqualTo(ids(before));
    assertThat(last(ledger).values()).extracting(ItemResult::outcome).containsOnly(Outcome.DELETED);
  }

  @Test
  void theDeadlineStopsATeardownWithExit3AndItsReportAndTheNextOneFinishes() throws IOException {
    Path ledger = provision(20);

    int code = cli("teardown", ledger.toString(), "--yes", "--quiet", "--rate", "4", "--deadline", "1s",
        "--grace", "1s", "--report", "t.html");

    assertThat(code).as(err.toString()).isEqualTo(3);
    assertThat(err.toString()).contains("the --deadline of 1s passed", "exit code  3");
    assertThat(sandbox.stats().deletesByRuntime().size()).as("cut short").isLessThan(20);
    String html = Files.readString(dir.resolve("t.html"));
    assertThat(ReportFileTest.text(html, "exit-code")).isEqualTo("3");
    assertThat(ReportFileTest.text(html, "exit-why")).isEqualTo("the --deadline of 1s passed");

    assertThat(cli("teardown", ledger.toString(), "--yes", "--quiet", "--rate", "0")).as(err.toString()).isZero();
    assertThat(sandbox.stats().deletesByRuntime()).hasSize(20);
    assertThat(sandbox.stats().runtimes()).isZero();
  }

  @Test
  void aRejectedKeyStopsTheTeardownWithExit3AndChangesNothing() throws IOException {
    Path ledger = provision(3);
    Map<String, ItemResult> before = last(ledger);
    err = new StringWriter();

    int code = cli(new PrintWriter(err, true), "sk_wrong_key", "teardown", ledger.toString(), "--yes", "--quiet",
        "--report", "t.html");

    assertThat(code).as(err.toString()).isEqualTo(3);
    assertThat(err.toString()).contains("exit code  3").doesNotContain("sk_wrong_key");
    assertThat(sandbox.stats().requests(401)).isPositive();
    assertThat(sandbox.stats().runtimes()).isEqualTo(3);
    assertThat(last(ledger)).isEqualTo(before);
    assertThat(ReportFileTest.text(Files.readString(dir.resolve("t.html")), "exit-code")).isEqualTo("3");
  }

  @Test
  void anInternalErrorMidTeardownStillLeavesItsReportWithExit1() throws IOException {
    Path ledger = provision(4);
    sandbox.reconfigure(sandbox.config().toBuilder().faults(Map.of(FaultKind.HTTP_503, 1.0)).build());
    err = new StringWriter();

    int code = cli(ReportFileTest.failingOnce(err, "not torn down"), sandbox.apiKey(), "teardown", ledger.toString(),
        "--yes", "--quiet", "--rate", "0", "--max-attempts", "1", "--concurrency", "1", "--report", "t.html");

    assertThat(code).as(err.toString()).isEqualTo(1);
    String html = Files.readString(dir.resolve("t.html"));
    assertThat(ReportFileTest.text(html, "exit-code")).isEqualTo("1");
    assertThat(ReportFileTest.text(html, "exit-why")).startsWith("internal error: IllegalStateException");
  }

  static Map<String, ItemResult> last(Path ledger) {
    Map<String, ItemResult> last = new LinkedHashMap<>();
    LedgerReader.forEach(ledger, r -> last.put(r.key(), r));
    return last;
  }

  @Test
  void withFaultsEveryRuntimeOfTheLedgerIsDeletedOnceNoOtherIsTouchedAndARunAfterwardsRecreatesThem()
      throws IOException {
    // another batch in the same space: its runtimes are not in the ledger torn down
    Files.writeString(dir.resolve("m.csv"), "key,count\nweb,30\napi,20\n");
    assertThat(cli("run", "m.csv", "--batch", "other", "--quiet", "--rate", "0")).as(err.toString()).isZero();
    Set<String> others = ids(last(dir.resolve("m.other.ledger.csv")));
    assertThat(others).hasSize(50);
    Files.writeString(dir.resolve("m.csv"), "key,count\nweb,120\napi,80\n");

    sandbox.reconfigure(sandbox.config().toBuilder()
        .faults(Map.of(FaultKind.HTTP_503, 0.04, FaultKind.RESET_AFTER, 0.04, FaultKind.TRUNCATE, 0.04))
        .build());
    String[] provision = {"run", "m.csv", "--batch", "mine", "--quiet", "--rate", "0", "--concurrency", "16",
        "--max-attempts", "20", "--settle-delay", "100ms", "--max-consecutive-failures", "1000"};
    assertThat(cli(provision)).as(err.toString()).isZero();
    Path ledger = dir.resolve("m.mine.ledger.csv");
    Map<String, ItemResult> provisioned = last(ledger);
    Set<String> mine = ids(provisioned);
    assertThat(mine).hasSize(200).doesNotContainAnyElementsOf(others);

    // lost answers too: a held call is applied after the client has given up on it. Few 429s: each
    // pauses every start of the teardown for its Retry-After (1 s)
    sandbox.reconfigure(sandbox.config().toBuilder()
        .faults(Map.of(FaultKind.HTTP_503, 0.05, FaultKind.HTTP_429, 0.01, FaultKind.RESET_AFTER, 0.05,
            FaultKind.TRUNCATE, 0.05, FaultKind.HOLD, 0.03))
        .hold(Duration.ofMillis(600))
        .build());
    int code = cli("teardown", ledger.toString(), "--yes", "--quiet", "--rate", "0", "--concurrency", "16",
        "--max-attempts", "30", "--request-timeout", "300ms", "--max-consecutive-failures", "1000");

    assertThat(code).as(err.toString()).isZero();
    SandboxStats st = sandbox.stats();
    assertThat(st.deletesByRuntime().keySet()).as("every runtime of the ledger deleted").isEqualTo(mine);
    assertThat(st.deletesByRuntime().values()).as("each once").containsOnly(1);
    assertThat(st.stopsByRuntime().keySet()).isSubsetOf(mine);
    assertThat(st.runtimes()).as("the other batch's runtimes are all there").isEqualTo(50);
    assertThat(st.activeRuntimes()).isEqualTo(50);
    assertThat(st.stopsByRuntime().keySet()).doesNotContainAnyElementsOf(others);
    for (FaultKind k : new FaultKind[] {FaultKind.HTTP_503, FaultKind.HTTP_429, FaultKind.RESET_AFTER,
        FaultKind.TRUNCATE}) {
      assertThat(st.stopFaults().get(k) + st.deleteFaults().get(k)).as("%s faults hit the teardown", k).isPositive();
    }
    Map<String, ItemResult> after = last(ledger);
    assertThat(after.keySet()).isEqualTo(provisioned.keySet());
    assertThat(after.values()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.DELETED));
    assertThat(err.toString()).contains("200 deleted, 0 failed, 0 aborted", "exit code  0");

    // a second teardown finds nothing to do and sends nothing
    long calls = st.stopRequests() + st.deleteRequests();
    assertThat(cli("teardown", ledger.toString(), "--yes", "--quiet")).as(err.toString()).isZero();
    assertThat(sandbox.stats().stopRequests() + sandbox.stats().deleteRequests()).isEqualTo(calls);

    // the run after a teardown creates every deleted item anew, once
    sandbox.reconfigure(sandbox.config().toBuilder().faults(Map.of()).build());
    assertThat(cli(provision)).as(err.toString()).isZero();
    Map<String, ItemResult> again = last(ledger);
    assertThat(again.values()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.CREATED));
    assertThat(ids(again)).hasSize(200).doesNotContainAnyElementsOf(mine);
    assertThat(sandbox.stats().createsByKey()).hasSize(250)
        .allSatisfy((k, n) -> assertThat(n).isEqualTo(k.startsWith("mine:") ? 2 : 1));
    assertThat(sandbox.stats().createsByKey().keySet().stream().filter(k -> k.startsWith("mine:"))).hasSize(200);
  }

  @Test
  void keysLeftUnknownAreFoundByListingTheirSpaceAndStoppedKeysAreKeptOrReplacedByTheNextRun() throws IOException {
    Files.writeString(dir.resolve("m.csv"), "key,count\nweb,7\n");
    assertThat(cli("run", "m.csv", "--quiet", "--rate", "0")).as(err.toString()).isZero();
    Path ledger = dir.resolve("m.ledger.csv");
    Map<String, ItemResult> created = last(ledger);
    // web#2's answer was lost and nothing could settle it: its runtime exists, the ledger has no id;
    // web#7 was cut off by a stop, and its runtime is not there
    ItemResult w2 = created.get("web#2");
    assertThat(sandbox.deleteRuntime("space-e2e", created.get("web#7").runtimeId())).isTrue();
    Files.writeString(ledger, "web#2,1,space-e2e,,unknown,,,,provisioner.unsettled,lost,1,5,2026-12-01T00:00:00Z\n"
        + "web#7,1,space-e2e,,aborted,,,,,,1,5,2026-12-01T00:00:00Z\n", java.nio.file.StandardOpenOption.APPEND);
    created.remove("web#7");
    // the stop that left web#7 aborted was long ago: no wait for its calls to land
    Files.setLastModifiedTime(ledger, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));

    assertThat(cli("teardown", ledger.toString(), "--yes", "--quiet", "--keep-stopped", "--rate", "auto",
        "--report", "t.html", "--summary", "t.json")).as(err.toString()).isZero();
    String html = Files.readString(dir.resolve("t.html"));
    assertThat(html).contains("<span id=\"outcome-stopped\">6</span>", "<span id=\"outcome-deleted\">1</span>",
        "<span id=\"not-found\">1</span>", "<span id=\"exit-code\">0</span>")
        .doesNotContain("id=\"outcome-created\"", sandbox.apiKey());
    String json = Files.readString(dir.resolve("t.json"));
    assertThat(json).contains("\"keptStopped\" : 6", "\"notFound\" : 1", "\"settledPerSecond\"");
    assertThat(err.toString()).contains("learned    settled at");

    SandboxStats st = sandbox.stats();
    assertThat(st.stopsByRuntime().keySet()).isEqualTo(ids(created));
    assertThat(st.deletesByRuntime()).isEmpty();
    Map<String, ItemResult> after = last(ledger);
    assertThat(after.get("web#2").outcome()).isEqualTo(Outcome.STOPPED);
    assertThat(after.get("web#2").runtimeId()).isEqualTo(w2.runtimeId());
    assertThat(after.get("web#7").outcome()).as("not in its space: nothing to tear down").isEqualTo(Outcome.DELETED);
    assertThat(after.get("web#7").runtimeId()).isNull();
    assertThat(after.values().stream().filter(r -> !r.key().equals("web#7")).map(ItemResult::outcome))
        .containsOnly(Outcome.STOPPED);

    // stopped items are kept by a run (exit 2), and replaced only when asked; web#7 is created anew
    assertThat(cli("run", "m.csv", "--quiet", "--rate", "0")).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains("6 kept stopped");
    assertThat(last(ledger).get("web#7").outcome()).isEqualTo(Outcome.CREATED);
    assertThat(cli("run", "m.csv", "--quiet", "--rate", "0", "--replace-unhealthy")).as(err.toString()).isZero();
    assertThat(last(ledger)).containsKeys("web#r1", "web#6#r1");
  }

  @Test
  void aLedgerThatIsNotThereExits65AndLeavesNoLockFile() {
    assertThat(cli("teardown", "nope.ledger.csv", "--yes")).isEqualTo(65);
    assertThat(err.toString()).isEqualTo("provisioner: ledger " + dir.resolve("nope.ledger.csv")
        + ": no such file; give the ledger a run wrote\n");
    assertThat(dir.resolve("nope.ledger.csv.lock")).doesNotExist();
    assertThat(cli("teardown", "nope.ledger.csv", "--dry-run")).isEqualTo(65);
  }

  static Set<String> ids(Map<String, ItemResult> last) {
    return last.values().stream().map(ItemResult::runtimeId).filter(id -> id != null)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
