package ai.bctrl.provisioner.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import ai.bctrl.provisioner.sandbox.SandboxStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * End to end: jobs/nightly.sh drives the real jar ({@code provisioner.jar}, built by package)
 * against the sandbox running in this JVM on an ephemeral 127.0.0.1 port.
 */
class NightlyWrapperIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String NIGHT = "2026-11-30";
  private static final List<String> ROWS = List.of("web", "api", "scrape");
  private static final int PER_ROW = 10;

  private static Path jar;

  @TempDir Path dir;
  private SandboxServer sandbox;
  private Path ledgers;
  private Path metrics;
  private Path keyFile;
  private Path manifest;

  @BeforeAll
  static void findTheJar() throws IOException {
    String property = System.getProperty("provisioner.jar");
    assertThat(property).as("system property provisioner.jar (set by failsafe)").isNotBlank();
    jar = Path.of(property);
    assertThat(jar).as("the fat jar; run mvn package first").isRegularFile();
    Tools.require("jq");
    Tools.require("flock");
    // Until the CLI (branch run) is merged, the jar's Main is a placeholder without `run`.
    Tools.Output help = Tools.run(List.of(javaBin(), "-jar", jar.toString(), "run", "--help"), Path.of("."));
    Assumptions.assumeTrue(help.text().contains("--ledger"),
        "the jar has no `run --ledger` command yet (CLI not merged): " + help.text().lines().findFirst().orElse(""));
  }

  @BeforeEach
  void setUp() throws IOException {
    ledgers = Files.createDirectories(dir.resolve("ledgers"));
    metrics = Files.createDirectories(dir.resolve("metrics"));
    StringBuilder csv = new StringBuilder("key,count\n");
    ROWS.forEach(r -> csv.append(r).append(',').append(PER_ROW).append('\n'));
    manifest = Files.writeString(dir.resolve("nightly.csv"), csv.toString());
  }

  @AfterEach
  void tearDown() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private void startSandbox(Duration minLatency, Duration maxLatency) throws IOException {
    sandbox = SandboxServer.start(SandboxConfig.builder().port(0).latency(minLatency, maxLatency).seed(20261130L).build());
    keyFile = Files.writeString(dir.resolve("api-key"), sandbox.apiKey() + "\n");
  }

  private Path definition(int concurrency, String... extraLines) throws IOException {
    String def = String.join("\n", extraLines) + "\n" + String.join("\n",
        "JOB_NAME=nightly",
        "MANIFEST=" + manifest,
        "SPACE=spc_nightly",
        "RATE=0",
        "CONCURRENCY=" + concurrency,
        "GRACE=5s",
        "LEDGER_DIR=" + ledgers,
        "KEEP_DAYS=7",
        "BASE_URL=" + sandbox.baseUrl(),
        "JAR=" + jar,
        "METRICS_DIR=" + metrics,
        // a crashed run's successor waits this long after the ledger's last write before listing
        "EXTRA_ARGS=--quiet --settle-delay 1s",
        "");
    return Files.writeString(dir.resolve("nightly.env"), def);
  }

  private WrapperRun wrapper(Path definition, String night, String logName) throws IOException {
    return new WrapperRun(definition, Files.createDirectories(dir.resolve("logs-" + logName)))
        .env("JAVA_HOME", System.getProperty("java.home"))
        .env("SCHEDULED_DATE", night)
        .env("API_KEY_FILE", keyFile.toString());
  }

  private static Set<String> expectedKeys(String night) {
    Set<String> keys = new TreeSet<>();
    for (String row : ROWS) {
      keys.add("nightly-" + night + ":" + row);
      for (int i = 2; i <= PER_ROW; i++) {
        keys.add("nightly-" + night + ":" + row + "#" + i);
      }
    }
    return keys;
  }

  @Test
  void writesTonightsDatedLedgerAndMetricsThatMatchTheSandbox() throws Exception {
    startSandbox(Duration.ofMillis(5), Duration.ofMillis(40));
    Path def = definition(8);

    WrapperRun.Result r = wrapper(def, NIGHT, "first").run(TIMEOUT);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    SandboxStats stats = sandbox.stats();
    Map<String, Map<String, String>> ledger = lastRecordPerKey(ledgers.resolve("nightly." + NIGHT + ".ledger.csv"));
    assertThat(ledger.keySet()).isEqualTo(expectedKeys(NIGHT));
    assertThat(ledger.values()).allSatisfy(rec -> assertThat(rec.get("outcome")).isEqualTo("created"));
    assertThat(stats.createsByKey().keySet()).isEqualTo(expectedKeys(NIGHT));
    assertThat(stats.duplicates()).isZero();
    assertThat(ledgers.resolve("nightly." + NIGHT + ".summary.json")).isRegularFile();
    assertThat(Files.readString(ledgers.resolve("nightly." + NIGHT + ".report.html")))
        .as("tonight's report beside the ledger")
        .contains("<span id=\"outcome-created\">" + stats.createsByKey().size() + "</span>");

    Map<String, String> prom = metrics(metrics.resolve("provisioner_nightly.prom"));
    assertThat(prom).containsEntry("provisioner_items{job_name=\"nightly\",outcome=\"created\"}",
        Integer.toString(stats.createsByKey().size()));
    for (String o : List.of("adopted", "unhealthy", "failed", "invalid", "unknown", "aborted")) {
      assertThat(prom).containsEntry("provisioner_items{job_name=\"nightly\",outcome=\"" + o + "\"}", "0");
    }
    assertThat(prom).containsEntry("provisioner_attempts{job_name=\"nightly\"}", Long.toString(stats.createRequests()))
        .containsEntry("provisioner_exit_code{job_name=\"nightly\"}", "0");
    assertThat(prom.get("provisioner_last_success_timestamp_seconds{job_name=\"nightly\"}"))
        .isEqualTo(prom.get("provisioner_last_run_timestamp_seconds{job_name=\"nightly\"}"));

    // the next night is a new batch: it creates every item again, adopting nothing of last night
    WrapperRun.Result next = wrapper(def, "2026-12-01", "next").run(TIMEOUT);

    assertThat(next.exitCode()).as(next.stderr()).isZero();
    Map<String, Map<String, String>> nextLedger = lastRecordPerKey(ledgers.resolve("nightly.2026-12-01.ledger.csv"));
    assertThat(nextLedger.keySet()).isEqualTo(expectedKeys("2026-12-01"));
    assertThat(nextLedger.values()).allSatisfy(rec -> assertThat(rec.get("outcome")).isEqualTo("created"));
    assertThat(sandbox.stats().createsByKey()).hasSize(2 * ROWS.size() * PER_ROW);
    assertThat(sandbox.stats().duplicates()).isZero();
  }

  @Test
  void aSecondRunExitsWithoutProvisioningWhileThePreviousOneHoldsTheLock() throws Exception {
    startSandbox(Duration.ofMillis(5), Duration.ofMillis(40));
    Path def = definition(8);
    Process holder = new ProcessBuilder("bash", "-c", "exec 9>>\"$0\"; flock 9; echo locked; exec sleep 60",
        ledgers.resolve("nightly.lock").toString()).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("locked");

      WrapperRun.Result r = wrapper(def, NIGHT, "locked").run(TIMEOUT);

      assertThat(r.exitCode()).isEqualTo(75);
      assertThat(r.stderr()).contains("the previous run still holds").contains("nothing was provisioned");
      SandboxStats stats = sandbox.stats();
      assertThat(stats.createRequests()).isZero();
      assertThat(stats.listRequests()).isZero();
      assertThat(ledgers.resolve("nightly." + NIGHT + ".ledger.csv")).doesNotExist();
      assertThat(metrics.resolve("provisioner_nightly.prom")).doesNotExist();
    } finally {
      holder.destroy();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCrashMidRunFollowedByAReRunCreatesEachItemOnce() throws Exception {
    // slow enough that the run is surely mid-way when its java is killed
    startSandbox(Duration.ofMillis(200), Duration.ofMillis(500));
    Path def = definition(2);
    Path ledgerFile = ledgers.resolve("nightly." + NIGHT + ".ledger.csv");
    WrapperRun first = wrapper(def, NIGHT, "crashed");
    Process wrapperProcess = first.start();
    try {
      await(() -> records(ledgerFile) >= 5, "5 ledger records");
      ProcessHandle java = javaChild(wrapperProcess).orElseThrow(() -> new AssertionError("no java under the wrapper"));

      // while it runs, a second wrapper of the same job refuses to start
      WrapperRun.Result second = wrapper(def, NIGHT, "second").run(TIMEOUT);
      assertThat(second.exitCode()).as(second.stderr()).isEqualTo(75);

      java.destroyForcibly(); // SIGKILL: no drain, no ledger flush, a stale lock left behind
      WrapperRun.Result crashed = first.await(wrapperProcess, TIMEOUT);
      assertThat(crashed.exitCode()).as(crashed.stderr()).isEqualTo(137);
    } finally {
      wrapperProcess.descendants().forEach(ProcessHandle::destroyForcibly);
      wrapperProcess.destroyForcibly();
    }
    assertThat(records(ledgerFile)).isLessThan(ROWS.size() * PER_ROW);
    Map<String, String> crashedProm = metrics(metrics.resolve("provisioner_nightly.prom"));
    assertThat(crashedProm).containsEntry("provisioner_exit_code{job_name=\"nightly\"}", "137")
        .containsEntry("provisioner_last_success_timestamp_seconds{job_name=\"nightly\"}", "0")
        .doesNotContainKey("provisioner_items{job_name=\"nightly\",outcome=\"created\"}");

    WrapperRun.Result rerun = wrapper(def, NIGHT, "rerun").run(TIMEOUT);

    assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
    SandboxStats stats = sandbox.stats();
    assertThat(stats.duplicates()).as("keys created more than once").isZero();
    assertThat(stats.createsByKey().keySet()).isEqualTo(expectedKeys(NIGHT));
    assertThat(stats.createsByKey().values()).containsOnly(1);
    Map<String, Map<String, String>> ledger = lastRecordPerKey(ledgerFile);
    assertThat(ledger.keySet()).isEqualTo(expectedKeys(NIGHT));
    assertThat(ledger.values()).allSatisfy(rec -> assertThat(rec.get("outcome")).isIn("created", "adopted"));
    Map<String, String> prom = metrics(metrics.resolve("provisioner_nightly.prom"));
    long rerunEnded = 0;
    for (String o : List.of("created", "adopted")) {
      rerunEnded += Long.parseLong(prom.get("provisioner_items{job_name=\"nightly\",outcome=\"" + o + "\"}"));
    }
    long alreadyDone = Long.parseLong(prom.get("provisioner_items_already_done{job_name=\"nightly\"}"));
    assertThat(rerunEnded + alreadyDone).isEqualTo(ROWS.size() * PER_ROW);
    assertThat(prom).containsEntry("provisioner_exit_code{job_name=\"nightly\"}", "0");
  }

  @Test
  void tearsDownTheOlderBatchFirstSoTonightsRunFitsTheQuota() throws Exception {
    startSandbox(Duration.ofMillis(5), Duration.ofMillis(40));
    int perNight = ROWS.size() * PER_ROW;
    sandbox.reconfigure(sandbox.config().toBuilder().maxActive(perNight).build()); // one night's runtimes at most
    Path def = definition(8, "KEEP_NIGHTS=1");
    WrapperRun.Result first = wrapper(def, "2026-11-29", "first").run(TIMEOUT);
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    Map<String, Map<String, String>> lastNight = lastRecordPerKey(ledgers.resolve("nightly.2026-11-29.ledger.csv"));
    Set<String> lastNightsRuntimes = new TreeSet<>();
    lastNight.values().forEach(rec -> lastNightsRuntimes.add(rec.get("runtimeId")));

    WrapperRun.Result r = wrapper(def, NIGHT, "tonight").run(TIMEOUT);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    SandboxStats stats = sandbox.stats();
    assertThat(stats.deletesByRuntime().keySet()).isEqualTo(lastNightsRuntimes);
    assertThat(lastRecordPerKey(ledgers.resolve("nightly.2026-11-29.ledger.csv")).values())
        .allSatisfy(rec -> assertThat(rec.get("outcome")).isEqualTo("deleted"));
    Map<String, Map<String, String>> tonight = lastRecordPerKey(ledgers.resolve("nightly." + NIGHT + ".ledger.csv"));
    assertThat(tonight.keySet()).isEqualTo(expectedKeys(NIGHT));
    assertThat(tonight.values()).allSatisfy(rec -> assertThat(rec.get("outcome")).isEqualTo("created"));
    assertThat(stats.requests(402)).as("the quota was free before tonight's first create").isZero();
    assertThat(stats.activeRuntimes()).isEqualTo(perNight);
    // one report per night beside its ledger: last night's run, its teardown tonight, tonight's run
    assertThat(Files.readString(ledgers.resolve("nightly.2026-11-29.report.html")))
        .contains("<span id=\"outcome-created\">" + perNight + "</span>");
    assertThat(Files.readString(ledgers.resolve("nightly.2026-11-29.teardown.html")))
        .contains("<span id=\"outcome-deleted\">" + perNight + "</span>", "<span id=\"exit-code\">0</span>");
    assertThat(Files.readString(ledgers.resolve("nightly." + NIGHT + ".report.html")))
        .contains("<span id=\"outcome-created\">" + perNight + "</span>", "<span id=\"exit-code\">0</span>");
    assertThat(r.stderr().indexOf("batch nightly-2026-11-29 torn down")).as("before tonight's run")
        .isPositive().isLessThan(r.stderr().indexOf("batch nightly-" + NIGHT + ", ledger"));
    Map<String, String> prom = metrics(metrics.resolve("provisioner_nightly.prom"));
    assertThat(prom).containsEntry("provisioner_exit_code{job_name=\"nightly\"}", "0")
        .containsEntry("provisioner_teardown_batches{job_name=\"nightly\",result=\"torn_down\"}", "1")
        .containsEntry("provisioner_teardown_batches{job_name=\"nightly\",result=\"failed\"}", "0")
        .containsEntry("provisioner_teardown_exit_code{job_name=\"nightly\"}", "0")
        .containsEntry("provisioner_teardown_runtimes{job_name=\"nightly\",outcome=\"deleted\"}",
            Integer.toString(perNight));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Optional<ProcessHandle> javaChild(Process wrapper) {
    String java = javaBin();
    return wrapper.descendants().filter(p -> p.info().command().map(java::equals).orElse(false)).findFirst();
  }

  /** Data records in a CSV ledger (the header and a crash-cut last line not counted). */
  private static long records(Path ledger) {
    if (!Files.exists(ledger)) {
      return 0;
    }
    String text = Tools.read(ledger);
    long lines = text.chars().filter(c -> c == '\n').count();
    return Math.max(0, lines - 1);
  }

  /** The ledger's last record per key (the contract's rule), as column -> value. */
  private static Map<String, Map<String, String>> lastRecordPerKey(Path ledger) throws IOException {
    assertThat(ledger).isRegularFile();
    assertThat(Tools.read(ledger).lines().findFirst().orElse(""))
        .isEqualTo("key,line,spaceId,name,outcome,runtimeId,status,httpStatus,errorCode,error,attempts,latencyMs,finishedAt");
    CsvMapper mapper = new CsvMapper();
    Map<String, Map<String, String>> last = new LinkedHashMap<>();
    try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader()).readValues(ledger.toFile())) {
      while (it.hasNextValue()) {
        Map<String, String> rec = it.nextValue();
        last.put(rec.get("key"), rec);
      }
    }
    return last;
  }

  /** A Prometheus textfile as series -> value. */
  private static Map<String, String> metrics(Path prom) {
    assertThat(prom).isRegularFile();
    Map<String, String> m = new LinkedHashMap<>();
    Tools.read(prom).lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> m.put(l.substring(0, l.lastIndexOf(' ')), l.substring(l.lastIndexOf(' ') + 1)));
    return m;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " not reached within " + TIMEOUT);
      }
      Thread.sleep(20); // polling an external process; nothing under test sleeps
    }
  }
}
