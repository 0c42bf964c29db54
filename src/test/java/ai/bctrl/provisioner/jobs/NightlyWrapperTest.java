package ai.bctrl.provisioner.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wrapper's own logic (definition parsing, lock, dated batch and ledger, retention, exit code,
 * metrics, signals) against a stand-in {@code java} that records its arguments and plays a run.
 * The real jar is driven by {@link NightlyWrapperIT}.
 */
class NightlyWrapperTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String DATE = "2026-11-30";

  /** A stand-in for java: records its arguments, plays a provisioner run steered by FAKE_*. */
  private static final String FAKE_JAVA = """
      #!/usr/bin/env bash
      printf '%s\\n' "$@" > "$FAKE_DIR/args"
      echo started >> "$FAKE_DIR/invocations"
      echo "$*" >> "$FAKE_DIR/all-args"
      summary='' ledger=''
      while [[ $# -gt 0 ]]; do
        case $1 in --summary) summary=$2; shift ;; --ledger) ledger=$2; shift ;; esac
        shift
      done
      pid=''
      trap 'echo TERM > "$FAKE_DIR/signal"; [[ -n $pid ]] && kill "$pid"; exit 143' TERM
      trap 'echo INT > "$FAKE_DIR/signal"; [[ -n $pid ]] && kill "$pid"; exit 130' INT
      if [[ -n ${FAKE_SLEEP:-} ]]; then
        sleep "$FAKE_SLEEP" 9>&- &
        pid=$!
        touch "$FAKE_DIR/sleeping"
        wait "$pid"
      fi
      if [[ $summary == *.teardown.json ]]; then
        if [[ -n ${FAKE_TEARDOWN_SUMMARY:-} ]]; then printf '%s' "$FAKE_TEARDOWN_SUMMARY" > "$summary"; fi
        exit "${FAKE_TEARDOWN_RC:-0}"
      fi
      echo 'key,line,spaceId,name,outcome,runtimeId,status,httpStatus,errorCode,error,attempts,latencyMs,finishedAt' >> "$ledger"
      if [[ -n ${FAKE_SUMMARY:-} ]]; then printf '%s' "$FAKE_SUMMARY" > "$summary"; fi
      exit "${FAKE_RC:-0}"
      """;

  @TempDir Path dir;
  private Path javaHome;
  private Path fake;
  private Path ledgers;
  private Path metrics;
  private Path manifest;
  private Path jar;
  private Path keyFile;

  @BeforeEach
  void setUp() throws IOException {
    Tools.require("jq"); // the wrapper needs it for metrics
    Tools.require("flock");
    javaHome = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
    Path java = javaHome.resolve("bin/java");
    Files.writeString(java, FAKE_JAVA);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    fake = Files.createDirectories(dir.resolve("fake"));
    ledgers = Files.createDirectories(dir.resolve("ledgers"));
    metrics = Files.createDirectories(dir.resolve("metrics"));
    manifest = Files.writeString(dir.resolve("nightly.csv"), "name,count\nweb,3\n");
    jar = Files.writeString(dir.resolve("provisioner.jar"), "not really a jar");
    keyFile = Files.writeString(dir.resolve("api-key"), "sk_test_not_a_real_key\n");
  }

  private Path definition(String... extraLines) throws IOException {
    StringBuilder sb = new StringBuilder()
        .append("# test job\n")
        .append("JOB_NAME=nightly\n")
        .append("MANIFEST=").append(manifest).append('\n')
        .append("SPACE=spc_1\n")
        .append("RATE=5\n")
        .append("CONCURRENCY=16\n")
        .append("LEDGER_DIR=").append(ledgers).append('\n')
        .append("KEEP_DAYS=3\n")
        .append("BASE_URL=\"http://127.0.0.1:9\"\n")
        .append("JAR='").append(jar).append("'\n")
        .append("METRICS_DIR=").append(metrics).append('\n');
    for (String line : extraLines) {
      sb.append(line).append('\n');
    }
    return Files.writeString(dir.resolve("nightly.env"), sb.toString());
  }

  private WrapperRun wrapper(Path definition) {
    return new WrapperRun(definition, dir)
        .env("JAVA_HOME", javaHome.toString())
        .env("FAKE_DIR", fake.toString())
        .env("SCHEDULED_DATE", DATE)
        .env("API_KEY_FILE", keyFile.toString());
  }

  private List<String> recordedArgs() throws IOException {
    return Files.readAllLines(fake.resolve("args"));
  }

  private int invocations() throws IOException {
    Path f = fake.resolve("invocations");
    return Files.exists(f) ? Files.readAllLines(f).size() : 0;
  }

  @Test
  void runsTheProvisionerWithTonightsBatchAndDatedLedger() throws Exception {
    WrapperRun.Result r = wrapper(definition("EXTRA_ARGS=--max-items 100  --quiet", "GRACE=20s")).run(TIMEOUT);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(recordedArgs()).containsExactly(
        "-jar", jar.toString(), "run",
        "--batch", "nightly-" + DATE,
        "--ledger", ledgers.resolve("nightly." + DATE + ".ledger.csv").toString(),
        "--summary", ledgers.resolve("nightly." + DATE + ".summary.json").toString(),
        "--report", ledgers.resolve("nightly." + DATE + ".report.html").toString(),
        "--space", "spc_1", "--rate", "5", "--concurrency", "16",
        "--base-url", "http://127.0.0.1:9", "--grace", "20s",
        "--api-key-file", keyFile.toString(),
        "--max-items", "100", "--quiet",
        manifest.toString());
  }

  @Test
  void reRunningTheSameNightUsesTheSameLedgerAndTheNextNightANewOne() throws Exception {
    Path def = definition();
    assertThat(wrapper(def).run(TIMEOUT).exitCode()).isZero();
    List<String> first = recordedArgs();
    assertThat(wrapper(def).run(TIMEOUT).exitCode()).isZero();
    assertThat(recordedArgs()).isEqualTo(first);
    assertThat(wrapper(def).env("SCHEDULED_DATE", "2026-12-01").run(TIMEOUT).exitCode()).isZero();
    assertThat(recordedArgs())
        .contains("nightly-2026-12-01", ledgers.resolve("nightly.2026-12-01.ledger.csv").toString())
        .doesNotContain(first.get(first.indexOf("--ledger") + 1));
  }

  @Test
  void usesTodayInUtcWhenNoScheduledDateIsGiven() throws Exception {
    String before = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    WrapperRun.Result r = new WrapperRun(definition(), dir)
        .env("JAVA_HOME", javaHome.toString())
        .env("FAKE_DIR", fake.toString())
        .env("BCTRL_API_KEY", "sk_env")
        .run(TIMEOUT);
    String after = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    String batch = recordedArgs().get(recordedArgs().indexOf("--batch") + 1);
    assertThat(batch).isIn("nightly-" + before, "nightly-" + after);
    assertThat(recordedArgs()).doesNotContain("--api-key-file").doesNotContain("sk_env");
  }

  @Test
  void passesTheProvisionersExitCodeThrough() throws Exception {
    Path def = definition();
    for (int code : new int[] {2, 3, 64, 65, 1}) {
      assertThat(wrapper(def).env("FAKE_RC", Integer.toString(code)).run(TIMEOUT).exitCode())
          .as("exit code %d", code).isEqualTo(code);
    }
  }

  @Test
  void refusesToStartWhileThePreviousRunOfTheJobHoldsTheLock() throws Exception {
    Path def = definition();
    Process first = wrapper(def).env("FAKE_SLEEP", "30").start();
    try {
      awaitFile(fake.resolve("sleeping"));
      Path secondLogs = Files.createDirectories(dir.resolve("second"));
      WrapperRun.Result second = new WrapperRun(def, secondLogs)
          .env("JAVA_HOME", javaHome.toString())
          .env("FAKE_DIR", fake.toString())
          .env("SCHEDULED_DATE", DATE)
          .env("API_KEY_FILE", keyFile.toString())
          .run(TIMEOUT);

      assertThat(second.exitCode()).isEqualTo(75);
      assertThat(second.stderr()).isEqualTo("nightly.sh: job nightly: the previous run still holds "
          + ledgers.resolve("nightly.lock") + "; not starting (nothing was provisioned)\n");
      assertThat(invocations()).isEqualTo(1);
    } finally {
      first.destroy();
      first.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void takesTheLockAgainOnceThePreviousRunHasEnded() throws Exception {
    Path def = definition();
    Process holder = new ProcessBuilder("bash", "-c",
        "exec 9>>\"$0\"; flock 9; echo locked; exec sleep 30", ledgers.resolve("nightly.lock").toString())
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("locked");
      assertThat(wrapper(def).run(TIMEOUT).exitCode()).isEqualTo(75);
      assertThat(invocations()).isZero();
    } finally {
      holder.destroy();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(wrapper(def).run(TIMEOUT).exitCode()).isZero();
    assertThat(invocations()).isEqualTo(1);
  }

  @Test
  void refusesADefinitionThatHoldsAnApiKey() throws Exception {
    WrapperRun.Result r = wrapper(definition("BCTRL_API_KEY=sk_live_secret")).run(TIMEOUT);

    assertThat(r.exitCode()).isEqualTo(78);
    assertThat(r.stderr()).isEqualTo("nightly.sh: " + dir.resolve("nightly.env")
        + ":12: BCTRL_API_KEY: secrets must not be in a job definition; give the API key as BCTRL_API_KEY"
        + " in the environment or as API_KEY_FILE=/path/to/key-file\n");
    assertThat(invocations()).isZero();
  }

  @Test
  void refusesUnknownKeysAndBadValuesWithTheirLine() throws Exception {
    WrapperRun.Result unknown = wrapper(definition("CONCURENCY=4")).run(TIMEOUT);
    assertThat(unknown.exitCode()).isEqualTo(78);
    assertThat(unknown.stderr()).startsWith("nightly.sh: " + dir.resolve("nightly.env") + ":12: unknown key CONCURENCY;");

    WrapperRun.Result badRate = wrapper(definition("RATE=fast")).run(TIMEOUT);
    assertThat(badRate.exitCode()).isEqualTo(78);
    assertThat(badRate.stderr()).isEqualTo("nightly.sh: " + dir.resolve("nightly.env") + ": RATE: must be a number >= 0 but was 'fast'\n");

    WrapperRun.Result badDate = wrapper(definition()).env("SCHEDULED_DATE", "2026-02-30").run(TIMEOUT);
    assertThat(badDate.exitCode()).isEqualTo(78);
    assertThat(badDate.stderr()).isEqualTo("nightly.sh: SCHEDULED_DATE: must be a date YYYY-MM-DD but was '2026-02-30'\n");
    assertThat(invocations()).isZero();
  }

  @Test
  void neverExpandsAnythingInTheDefinition() throws Exception {
    Path marker = dir.resolve("pwned");
    WrapperRun.Result r = wrapper(definition("EXTRA_ARGS=$(touch " + marker + ") `touch " + marker + "` ${HOME}")).run(TIMEOUT);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(marker).doesNotExist();
    assertThat(recordedArgs()).contains("$(touch", "`touch", "${HOME}");
  }

  @Test
  void refusesToRunWithoutAnApiKey() throws Exception {
    WrapperRun.Result r = new WrapperRun(definition(), dir)
        .env("JAVA_HOME", javaHome.toString())
        .env("FAKE_DIR", fake.toString())
        .run(TIMEOUT);

    assertThat(r.exitCode()).isEqualTo(78);
    assertThat(r.stderr()).isEqualTo("nightly.sh: no API key: set BCTRL_API_KEY in the environment"
        + " or API_KEY_FILE to a file holding the key\n");
    assertThat(invocations()).isZero();
  }

  @Test
  void deletesLedgersSummariesAndReportsOlderThanKeepDaysByTheDateInTheirName() throws Exception {
    List<String> kept = List.of("nightly.2026-11-28.ledger.csv", "nightly.2026-11-29.summary.json",
        "nightly.2026-11-28.report.html", "nightly.2026-11-29.shard-0-of-2.report.html",
        "nightly.2026-11-28.teardown.html", "nightly.2026-11-28.teardown.json", "nightly.2026-11-28.torn-down",
        "nightly.2026-11-29.shard-0-of-2.ledger.csv", "nightly.2026-12-01.ledger.csv",
        "other.2026-01-01.ledger.csv", "nightly.2026-01-01.notes.txt", "nightly.lock");
    List<String> deleted = List.of("nightly.2026-11-27.ledger.csv", "nightly.2026-11-27.summary.json",
        "nightly.2026-11-27.report.html", "nightly.2026-11-20.shard-1-of-2.report.html",
        "nightly.2026-11-27.teardown.html", "nightly.2026-11-27.teardown.json", "nightly.2026-11-27.torn-down",
        "nightly.2025-12-31.ledger.jsonl", "nightly.2026-11-20.shard-1-of-2.ledger.csv",
        "nightly.2026-11-01.ledger.csv.lock");
    for (String name : Stream.concat(kept.stream(), deleted.stream()).toList()) {
      Files.writeString(ledgers.resolve(name), "x"); // all written just now: age by mtime would keep them all
    }

    assertThat(wrapper(definition()).run(TIMEOUT).exitCode()).isZero();

    try (Stream<Path> files = Files.list(ledgers)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsAll(kept)
          .doesNotContainAnyElementsOf(deleted)
          .contains("nightly.2026-11-30.ledger.csv");
    }
  }

  @Test
  void removesTheSummaryAndReportOfAnEarlierTryOfTheNightBeforeTheRun() throws Exception {
    Path summary = Files.writeString(ledgers.resolve("nightly." + DATE + ".summary.json"), "{}");
    Path report = Files.writeString(ledgers.resolve("nightly." + DATE + ".report.html"), "<html>earlier try</html>");

    // the stand-in run writes neither, as a provisioner killed before its end would not
    assertThat(wrapper(definition()).env("FAKE_RC", "137").run(TIMEOUT).exitCode()).isEqualTo(137);

    assertThat(summary).doesNotExist();
    assertThat(report).doesNotExist();
  }

  /** A summary as the CLI writes it with --summary. */
  private static final String SUMMARY = """
      {
        "outcomes" : { "created" : 27, "adopted" : 2, "unhealthy" : 0, "failed" : 1, "invalid" : 0, "unknown" : 0, "aborted" : 0 },
        "alreadyDone" : 3, "keptUnhealthy" : 0, "attempts" : 35,
        "retries" : { "rateLimited429" : 1, "server5xx" : 4, "timeout" : 0, "reset" : 0 },
        "createsPerSecond" : 1.5,
        "latencyMs" : { "p50" : 300, "p90" : 900, "p99" : 1250, "max" : 4000 },
        "wallTimeMs" : 20000, "stopped" : null, "exitCode" : 2
      }
      """;

  @Test
  void writesTheSummaryAsAPrometheusTextfile() throws Exception {
    WrapperRun.Result r = wrapper(definition()).env("FAKE_SUMMARY", SUMMARY).env("FAKE_RC", "2").run(TIMEOUT);

    assertThat(r.exitCode()).isEqualTo(2);
    String prom = Files.readString(metrics.resolve("provisioner_nightly.prom"));
    assertThat(prom.lines().filter(l -> !l.startsWith("#"))).containsExactly(
        "provisioner_items{job_name=\"nightly\",outcome=\"created\"} 27",
        "provisioner_items{job_name=\"nightly\",outcome=\"adopted\"} 2",
        "provisioner_items{job_name=\"nightly\",outcome=\"unhealthy\"} 0",
        "provisioner_items{job_name=\"nightly\",outcome=\"failed\"} 1",
        "provisioner_items{job_name=\"nightly\",outcome=\"invalid\"} 0",
        "provisioner_items{job_name=\"nightly\",outcome=\"unknown\"} 0",
        "provisioner_items{job_name=\"nightly\",outcome=\"aborted\"} 0",
        "provisioner_items_already_done{job_name=\"nightly\"} 3",
        "provisioner_attempts{job_name=\"nightly\"} 35",
        "provisioner_retries{job_name=\"nightly\",cause=\"rateLimited429\"} 1",
        "provisioner_retries{job_name=\"nightly\",cause=\"server5xx\"} 4",
        "provisioner_retries{job_name=\"nightly\",cause=\"timeout\"} 0",
        "provisioner_retries{job_name=\"nightly\",cause=\"reset\"} 0",
        "provisioner_create_latency_seconds{job_name=\"nightly\",percentile=\"p50\"} 0.3",
        "provisioner_create_latency_seconds{job_name=\"nightly\",percentile=\"p90\"} 0.9",
        "provisioner_create_latency_seconds{job_name=\"nightly\",percentile=\"p99\"} 1.25",
        "provisioner_create_latency_seconds{job_name=\"nightly\",percentile=\"max\"} 4",
        line(prom, "provisioner_run_duration_seconds{"),
        "provisioner_exit_code{job_name=\"nightly\"} 2",
        line(prom, "provisioner_last_run_timestamp_seconds{"),
        "provisioner_last_success_timestamp_seconds{job_name=\"nightly\"} 0");
    assertThat(prom).containsPattern("(?m)^provisioner_run_duration_seconds\\{job_name=\"nightly\"} \\d+$")
        .containsPattern("(?m)^provisioner_last_run_timestamp_seconds\\{job_name=\"nightly\"} \\d{10}$")
        .contains("# TYPE provisioner_items gauge\n");
    try (Stream<Path> files = Files.list(metrics)) {
      assertThat(files).as("no temporary file left behind").hasSize(1);
    }
  }

  @Test
  void writesNoItemMetricsFromAnUnreadableSummary() throws Exception {
    WrapperRun.Result r = wrapper(definition()).env("FAKE_SUMMARY", "{\"outcomes\": [1, 2").run(TIMEOUT);

    assertThat(r.exitCode()).isZero();
    assertThat(Files.readString(metrics.resolve("provisioner_nightly.prom")))
        .doesNotContain("provisioner_items")
        .contains("provisioner_exit_code{job_name=\"nightly\"} 0\n");
  }

  private static String line(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  void keepsTheLastSuccessTimestampWhenARunFails() throws Exception {
    Path def = definition();
    assertThat(wrapper(def).run(TIMEOUT).exitCode()).isZero();
    Path prom = metrics.resolve("provisioner_nightly.prom");
    String success = lastSuccess(prom);
    assertThat(success).matches("\\d{10}");

    assertThat(wrapper(def).env("FAKE_RC", "3").run(TIMEOUT).exitCode()).isEqualTo(3);

    assertThat(lastSuccess(prom)).isEqualTo(success);
    assertThat(Files.readString(prom)).contains("provisioner_exit_code{job_name=\"nightly\"} 3\n")
        .doesNotContain("provisioner_items{");
  }

  @Test
  void forwardsSigtermToTheProvisionerAndPassesItsExitCodeThrough() throws Exception {
    WrapperRun run = wrapper(definition()).env("FAKE_SLEEP", "30");
    Process p = run.start();
    awaitFile(fake.resolve("sleeping"));

    p.destroy(); // SIGTERM to the wrapper only

    WrapperRun.Result r = run.await(p, TIMEOUT);
    assertThat(r.exitCode()).isEqualTo(143);
    assertThat(Files.readString(fake.resolve("signal"))).isEqualTo("TERM\n");
  }

  @Test
  void forwardsSigintToTheProvisionerAsSigint() throws Exception {
    WrapperRun run = wrapper(definition()).env("FAKE_SLEEP", "30");
    Process p = run.start();
    awaitFile(fake.resolve("sleeping"));

    Tools.Output kill = Tools.run(List.of("kill", "-INT", Long.toString(p.pid())), dir);
    assertThat(kill.exitCode()).as(kill.text()).isZero();

    WrapperRun.Result r = run.await(p, TIMEOUT);
    assertThat(r.exitCode()).isEqualTo(130);
    assertThat(Files.readString(fake.resolve("signal"))).isEqualTo("INT\n");
    assertThat(Files.readString(metrics.resolve("provisioner_nightly.prom"))).contains("provisioner_exit_code{job_name=\"nightly\"} 130\n");
  }

  @Test
  void labelsShardsAndGivesEachShardItsOwnLockLedgerAndMetrics() throws Exception {
    WrapperRun.Result r = wrapper(definition("SHARD=1/4")).env("FAKE_SUMMARY", SUMMARY).run(TIMEOUT);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(recordedArgs()).containsSequence("--shard", "1/4")
        .contains(ledgers.resolve("nightly." + DATE + ".shard-1-of-4.ledger.csv").toString());
    assertThat(ledgers.resolve("nightly.shard-1-of-4.lock")).exists();
    assertThat(Files.readString(metrics.resolve("provisioner_nightly.shard-1-of-4.prom")))
        .contains("provisioner_items{job_name=\"nightly\",shard=\"1/4\",outcome=\"created\"} 27\n");
  }

  @Test
  void acceptsTheShippedExampleDefinitions() throws Exception {
    String example = Tools.read(Tools.JOBS.resolve("examples/nightly.env"));
    String configMap = KubernetesManifests.load(Tools.JOBS.resolve("k8s/configmap.yaml")).stream()
        .map(KubernetesManifests.Document::resource)
        .filter(r -> r.getMetadata().getName().equals("provisioner-nightly"))
        .map(r -> ((io.fabric8.kubernetes.api.model.ConfigMap) r).getData().get("nightly.env"))
        .findFirst().orElseThrow();
    for (String shipped : List.of(example, configMap)) {
      // the same definition with this machine's paths
      String local = shipped.lines().map(l -> {
        if (l.startsWith("MANIFEST=")) {
          return "MANIFEST=" + manifest;
        } else if (l.startsWith("LEDGER_DIR=")) {
          return "LEDGER_DIR=" + ledgers;
        } else if (l.startsWith("METRICS_DIR=")) {
          return "METRICS_DIR=" + metrics;
        } else if (l.startsWith("JAR=")) {
          return "JAR=" + jar;
        }
        return l;
      }).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
      Path def = Files.writeString(dir.resolve("shipped.env"), local);

      WrapperRun.Result r = wrapper(def).run(TIMEOUT);

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(recordedArgs()).containsSequence("--batch", "nightly-" + DATE)
          .containsSequence("--rate", "5").containsSequence("--concurrency", "16").containsSequence("--grace", "30s")
          .containsSequence("--max-items", "5000", "--deadline", "5h", "--quiet");
    }
  }

  // ---- KEEP_NIGHTS: older batches torn down before tonight's run ----------------------------------

  private List<String> allArgs() throws IOException {
    return Files.readAllLines(fake.resolve("all-args"));
  }

  private String teardownArgs(String date, String extra) {
    return "-jar " + jar + " teardown --yes --summary " + ledgers.resolve("nightly." + date + ".teardown.json")
        + " --report " + ledgers.resolve("nightly." + date + ".teardown.html") + " --rate 5 --concurrency 16 --base-url http://127.0.0.1:9 --api-key-file " + keyFile
        + " " + extra + ledgers.resolve("nightly." + date + ".ledger.csv");
  }

  @Test
  void withKeepNightsTearsDownTheOlderBatchesOfThisJobAndShardBeforeTonightsRunAndOnlyOnce() throws Exception {
    for (String name : List.of("nightly.2026-11-27.ledger.csv", "nightly.2026-11-28.ledger.csv",
        "nightly.2026-11-29.ledger.csv", "nightly.2026-11-28.shard-0-of-2.ledger.csv", "other.2026-11-28.ledger.csv")) {
      Files.writeString(ledgers.resolve(name), "x");
    }
    Path def = definition("KEEP_NIGHTS=2", "TEARDOWN_ARGS=--deadline 1h");

    WrapperRun.Result r = wrapper(def).run(TIMEOUT);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> calls = allArgs();
    assertThat(calls).hasSize(3);
    assertThat(calls.get(0)).isEqualTo(teardownArgs("2026-11-27", "--deadline 1h "));
    assertThat(calls.get(1)).isEqualTo(teardownArgs("2026-11-28", "--deadline 1h "));
    assertThat(calls.get(2)).startsWith("-jar " + jar + " run --batch nightly-" + DATE);
    assertThat(ledgers.resolve("nightly.2026-11-28.torn-down")).exists();
    assertThat(ledgers.resolve("nightly.2026-11-27.ledger.csv")).as("torn down, and past KEEP_DAYS").doesNotExist();
    assertThat(ledgers.resolve("nightly.2026-11-28.shard-0-of-2.ledger.csv")).as("another shard's").exists();
    assertThat(r.stderr()).contains("tearing down batch nightly-2026-11-27 (older than 2 nights)");

    // the next try of the night tears nothing down again; a ledger changed since is torn down again
    Files.setLastModifiedTime(ledgers.resolve("nightly.2026-11-28.ledger.csv"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    assertThat(wrapper(def).run(TIMEOUT).exitCode()).isZero();
    assertThat(allArgs()).hasSize(5);
    assertThat(allArgs().get(3)).contains(" teardown ").endsWith("nightly.2026-11-28.ledger.csv");
  }

  private static final String TEARDOWN_SUMMARY = """
      {"runtimes": {"stopped": 30, "deleted": 27, "keptStopped": 0, "notFound": 0, "failed": 2, "unknown": 1,
       "aborted": 0}, "calls": 70, "exitCode": 2}
      """;

  @Test
  void aFailedTeardownIsReportedInTheMetricsAndExit76ButNeverStopsTonightsRun() throws Exception {
    Files.writeString(ledgers.resolve("nightly.2026-11-28.ledger.csv"), "x");
    Path def = definition("KEEP_NIGHTS=1");

    WrapperRun.Result r = wrapper(def).env("FAKE_TEARDOWN_RC", "2").env("FAKE_TEARDOWN_SUMMARY", TEARDOWN_SUMMARY)
        .run(TIMEOUT);

    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(76);
    assertThat(allArgs()).hasSize(2);
    assertThat(allArgs().get(1)).contains(" run ");
    assertThat(r.stderr()).contains("tearing down batch nightly-2026-11-28 failed (exit 2); its ledger is kept");
    assertThat(ledgers.resolve("nightly.2026-11-28.torn-down")).doesNotExist();
    String prom = Files.readString(metrics.resolve("provisioner_nightly.prom"));
    assertThat(prom).contains("provisioner_exit_code{job_name=\"nightly\"} 0\n",
        "provisioner_teardown_batches{job_name=\"nightly\",result=\"torn_down\"} 0\n",
        "provisioner_teardown_batches{job_name=\"nightly\",result=\"failed\"} 1\n",
        "provisioner_teardown_exit_code{job_name=\"nightly\"} 2\n",
        "provisioner_teardown_runtimes{job_name=\"nightly\",outcome=\"deleted\"} 27\n",
        "provisioner_teardown_runtimes{job_name=\"nightly\",outcome=\"failed\"} 3\n",
        "# TYPE provisioner_teardown_runtimes gauge\n");

    // a run that fails itself keeps its own exit code; the teardown is tried again
    assertThat(wrapper(def).env("FAKE_TEARDOWN_RC", "2").env("FAKE_RC", "3").run(TIMEOUT).exitCode()).isEqualTo(3);
    assertThat(allArgs()).hasSize(4);
  }

  @Test
  void retentionKeepsTheFilesOfABatchNotYetTornDownPastKeepDays() throws Exception {
    for (String name : List.of("nightly.2026-11-01.ledger.csv", "nightly.2026-11-01.summary.json",
        "nightly.2026-11-02.ledger.csv", "nightly.2026-11-02.summary.json")) {
      Files.writeString(ledgers.resolve(name), "x");
    }
    Files.writeString(ledgers.resolve("nightly.2026-11-02.torn-down"), "x");
    Files.setLastModifiedTime(ledgers.resolve("nightly.2026-11-02.ledger.csv"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));

    WrapperRun.Result r = wrapper(definition("KEEP_NIGHTS=2")).env("FAKE_TEARDOWN_RC", "3").run(TIMEOUT);

    assertThat(r.exitCode()).isEqualTo(76);
    assertThat(allArgs().get(0)).contains(" teardown ").endsWith("nightly.2026-11-01.ledger.csv");
    assertThat(ledgers.resolve("nightly.2026-11-01.ledger.csv")).exists();
    assertThat(ledgers.resolve("nightly.2026-11-01.summary.json")).exists();
    assertThat(ledgers.resolve("nightly.2026-11-02.ledger.csv")).doesNotExist();
    assertThat(ledgers.resolve("nightly.2026-11-02.torn-down")).doesNotExist();
    assertThat(r.stderr()).contains("kept " + ledgers.resolve("nightly.2026-11-01.ledger.csv")
        + " past KEEP_DAYS: its batch is not torn down yet");
  }

  @Test
  void refusesKeepNightsAboveKeepDays() throws Exception {
    WrapperRun.Result r = wrapper(definition("KEEP_NIGHTS=4")).run(TIMEOUT);

    assertThat(r.exitCode()).isEqualTo(78);
    assertThat(r.stderr()).isEqualTo("nightly.sh: " + dir.resolve("nightly.env") + ": KEEP_NIGHTS: 4 is more than"
        + " KEEP_DAYS (3); a batch's ledger must be kept at least as long as its runtimes\n");
    assertThat(invocations()).isZero();
  }

  private static String lastSuccess(Path prom) throws IOException {
    return Files.readAllLines(prom).stream()
        .filter(l -> l.startsWith("provisioner_last_success_timestamp_seconds{"))
        .map(l -> l.substring(l.lastIndexOf(' ') + 1))
        .findFirst().orElseThrow();
  }

  private static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " did not appear within " + TIMEOUT);
      }
      Thread.sleep(20); // polling a child process's progress; no logic under test sleeps
    }
  }
}
