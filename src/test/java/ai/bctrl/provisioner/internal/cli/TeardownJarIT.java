package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.ledger.LedgerLock;
import ai.bctrl.provisioner.internal.ledger.LedgerReader;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import ai.bctrl.provisioner.sandbox.SandboxStats;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code teardown} in the real jar, as a child process, against a sandbox in this JVM (which keeps
 * its record when the jar is killed). The ledgers it tears down are made by {@code run} in this
 * JVM: the jar adds nothing there.
 */
class TeardownJarIT {
  static final String KEY = "sk_it_SECRET_teardown_51e";
  static final Duration LONG = Duration.ofSeconds(60);

  @TempDir Path dir;
  SandboxServer sandbox;
  Path ledger;
  int runs;

  @BeforeEach
  void startSandbox() {
    sandbox = SandboxServer.start(SandboxConfig.builder().port(0).apiKey(KEY)
        .latency(Duration.ofMillis(1), Duration.ofMillis(5)).seed(7L).build());
    ledger = dir.resolve("m.ledger.csv");
  }

  @AfterEach
  void stopSandbox() {
    sandbox.close();
  }

  /** Provisions {@code 2 * perRow} runtimes over two spaces, in this JVM; returns their ids. */
  Set<String> provision(int perRow) throws IOException {
    Files.writeString(dir.resolve("m.csv"), "key,spaceId,count\nweb,space-a," + perRow + "\napi,space-b," + perRow + "\n");
    StringWriter err = new StringWriter();
    Io io = new Io(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        new ByteArrayInputStream(new byte[0]),
        Map.of("BCTRL_API_KEY", KEY, "BCTRL_BASE_URL", sandbox.baseUrl().toString()), dir, false);
    assertThat(Main.execute(new String[] {"run", "m.csv", "--quiet", "--rate", "0"}, io)).as(err.toString()).isZero();
    return last().values().stream().map(ItemResult::runtimeId).collect(Collectors.toCollection(TreeSet::new));
  }

  Map<String, ItemResult> last() {
    Map<String, ItemResult> last = new LinkedHashMap<>();
    LedgerReader.forEach(ledger, r -> last.put(r.key(), r));
    return last;
  }

  record Run(Process process, Path out, Path err) {
    int exit(Duration within) throws InterruptedException {
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("the jar did not end within " + within + "; stderr: " + stderr());
      }
      return process.exitValue();
    }

    String stdout() {
      return text(out);
    }

    String stderr() {
      return text(err);
    }
  }

  static String text(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  Run start(String... args) throws IOException {
    String jar = System.getProperty("provisioner.jar", "target/provisioner.jar");
    assertThat(new File(jar)).as("the fat jar (run with mvn verify)").exists();
    List<String> cmd = new ArrayList<>(ai.bctrl.provisioner.testing.DefaultSignals.prefix());
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", new File(jar).getAbsolutePath(), "teardown"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().remove("BCTRL_SPACE_ID");
    pb.environment().put("BCTRL_API_KEY", KEY);
    pb.environment().put("BCTRL_BASE_URL", sandbox.baseUrl().toString());
    int n = ++runs;
    Path out = dir.resolve("teardown" + n + ".out");
    Path err = dir.resolve("teardown" + n + ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    p.getOutputStream().close();
    return new Run(p, out, err);
  }

  long teardownCalls() {
    SandboxStats st = sandbox.stats();
    return st.stopRequests() + st.deleteRequests();
  }

  @Test
  void withoutYesItPrintsThePlanAndExits64AndADryRunPrintsItAndSendsNothing() throws Exception {
    provision(12);
    Files.writeString(ledger, "api#3,3,space-b,,deleted,rt_x,,404,,,1,2,2026-12-01T00:00:00Z\n"
        + "gone,9,space-b,,aborted,,,,,,1,2,2026-12-01T00:00:00Z\n", java.nio.file.StandardOpenOption.APPEND);
    List<Object> requestsBefore = requestsSeen();
    String plan = """
        teardown plan for m.ledger.csv: 23 runtimes to stop and delete, in 2 spaces
          by space and status:
            12  space-a  active
            11  space-b  active
          1 key left unknown or aborted, in 1 space: each space is listed, and the runtimes found with those keys\
         are stopped and deleted too:
             1  space-b
          nothing to do for: 1 already deleted
        """;

    Run refused = start("m.ledger.csv");
    assertThat(refused.exit(LONG)).as(refused.stderr()).isEqualTo(64);
    assertThat(refused.stdout()).isEqualTo(plan);
    assertThat(refused.stderr()).isEqualTo("provisioner: teardown stops and deletes what the plan above says only with"
        + " --yes; nothing was done (add --yes to go ahead, or --dry-run to print the plan alone)\n");

    Run dry = start("m.ledger.csv", "--dry-run", "--keep-stopped");
    assertThat(dry.exit(LONG)).as(dry.stderr()).isZero();
    assertThat(dry.stdout()).startsWith("teardown plan for m.ledger.csv: 23 runtimes to stop (and keep stopped), in 2 spaces\n");
    assertThat(dry.stderr()).isEmpty();

    assertThat(requestsSeen()).as("no request at all, of any kind, answered or not").isEqualTo(requestsBefore);
    assertThat(teardownCalls()).isZero();
    assertThat(dir.resolve("m.ledger.csv.lock")).doesNotExist();
  }

  /** Everything the sandbox counts of the requests it received: by route, and by the status answered. */
  List<Object> requestsSeen() {
    SandboxStats st = sandbox.stats();
    return List.of(st.createRequests(), st.listRequests(), st.stopRequests(), st.deleteRequests(),
        st.requestsByStatus());
  }

  @Test
  void keepStoppedStopsEveryRuntimeRecordsItStoppedAndDeletesNone() throws Exception {
    Set<String> ids = provision(10);

    Run run = start("m.ledger.csv", "--yes", "--keep-stopped", "--rate", "0", "--quiet");

    assertThat(run.exit(LONG)).as(run.stderr()).isZero();
    assertThat(sandbox.stats().stopsByRuntime().keySet()).isEqualTo(ids);
    assertThat(sandbox.stats().deletesByRuntime()).isEmpty();
    assertThat(sandbox.stats().activeRuntimes()).isZero();
    assertThat(last().values()).allSatisfy(r -> {
      assertThat(r.outcome()).isEqualTo(Outcome.STOPPED);
      assertThat(r.status()).hasToString("stopped");
    });
    assertThat(run.stderr()).contains("0 deleted, 20 stopped (kept), 0 failed, 0 aborted", "exit code  0");
  }

  @Test
  void aLockedLedgerExits64AndOneThatCannotBeReadExits65() throws Exception {
    provision(2);
    try (LedgerLock held = LedgerLock.acquire(ledger)) {
      Run locked = start("m.ledger.csv", "--yes");
      assertThat(locked.exit(LONG)).isEqualTo(64);
      assertThat(locked.stderr()).isEqualTo("provisioner: ledger " + ledger.toRealPath() + " is locked by running"
          + " process " + ProcessHandle.current().pid() + "; wait for it to end\n");
    }
    Files.writeString(dir.resolve("notes.csv"), "these are not,the ledger columns\n");
    Run unreadable = start("notes.csv", "--yes");
    assertThat(unreadable.exit(LONG)).isEqualTo(65);
    assertThat(unreadable.stderr()).startsWith("provisioner: ledger ").contains("notes.csv:1: not the ledger header")
        .doesNotContain("\tat ").endsWith("\n").hasLineCount(1);
    assertThat(teardownCalls()).isZero();
    assertThat(dir.resolve("notes.csv.lock")).doesNotExist();
  }

  @Test
  void sigtermExits143AndTheLedgerHoldsEveryStopAndDeleteThatHappened() throws Exception {
    provision(30);
    Run run = start("m.ledger.csv", "--yes", "--rate", "8", "--grace", "5s", "--report", "t.html");
    awaitCalls(10);
    run.process().destroy();

    assertThat(run.exit(LONG)).as(run.stderr()).isEqualTo(143);
    assertThat(run.stderr()).contains("SIGTERM", "summary:", "exit code  143");
    assertThat(text(dir.resolve("t.html"))).as("the report of a teardown stopped by SIGTERM")
        .contains("<span id=\"exit-code\">143</span> <span id=\"exit-why\">interrupted by SIGTERM</span>")
        .doesNotContain(KEY);
    assertThat(dir.resolve("m.ledger.csv.lock")).as("removed on a signal").doesNotExist();
    SandboxStats st = sandbox.stats();
    Map<String, Outcome> byId = last().values().stream()
        .collect(Collectors.toMap(ItemResult::runtimeId, ItemResult::outcome));
    assertThat(st.stopsByRuntime()).isNotEmpty();
    st.deletesByRuntime().keySet().forEach(id -> assertThat(byId).containsEntry(id, Outcome.DELETED));
    st.stopsByRuntime().keySet().stream().filter(id -> !st.deletesByRuntime().containsKey(id))
        .forEach(id -> assertThat(byId).containsEntry(id, Outcome.STOPPED));
    assertThat(byId.values().stream().filter(o -> o == Outcome.CREATED).count()).as("some left for a rerun")
        .isPositive();
  }

  @Test
  void killedWithKill9AndRunAgainItTearsDownEveryRuntimeExactlyOnce() throws Exception {
    Set<String> ids = provision(30);
    Run first = start("m.ledger.csv", "--yes", "--rate", "15", "--quiet");
    awaitCalls(20);
    first.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    assertThat(sandbox.stats().deletesByRuntime().size()).as("killed mid-way").isLessThan(ids.size());
    assertThat(dir.resolve("m.ledger.csv.lock")).as("left by the kill").exists();

    Run again = start("m.ledger.csv", "--yes", "--rate", "0", "--quiet");

    assertThat(again.exit(LONG)).as(again.stderr()).isZero();
    SandboxStats st = sandbox.stats();
    assertThat(st.deletesByRuntime().keySet()).isEqualTo(ids);
    assertThat(st.deletesByRuntime().values()).containsOnly(1);
    assertThat(st.runtimes()).isZero();
    assertThat(last().values()).extracting(ItemResult::outcome).containsOnly(Outcome.DELETED);
    assertThat(last().values()).extracting(ItemResult::runtimeId).filteredOn(Objects::nonNull).hasSize(ids.size());
    assertThat(dir.resolve("m.ledger.csv.lock")).doesNotExist();
  }

  void awaitCalls(long n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (teardownCalls() < n) {
      assertThat(System.nanoTime()).as("waiting for %d stop and delete calls", n).isLessThan(end);
      Thread.sleep(20); // polling a child process; nothing under test sleeps
    }
  }
}
