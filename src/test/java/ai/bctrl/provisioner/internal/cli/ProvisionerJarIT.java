package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.ledger.LedgerReader;
import ai.bctrl.provisioner.sandbox.FaultKind;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real jar as a child process against a sandbox living in this JVM, so killing the jar
 * does not wipe the server's record of what it created.
 */
class ProvisionerJarIT {
  static final String KEY = "sk_it_SECRET_4f9d2c";
  static final String PROXY_PASSWORD = "pw-SECRET-hunter2-77";
  static final String SPACE_A = "space-a";
  static final String SPACE_B = "space-b";

  @TempDir Path dir;
  SandboxServer sandbox;

  @BeforeEach
  void startSandbox() {
    sandbox = SandboxServer.start(SandboxConfig.builder()
        .port(0)
        .apiKey(KEY)
        .latency(Duration.ofMillis(20), Duration.ofMillis(80))
        .seed(42L)
        .build());
  }

  @AfterEach
  void stopSandbox() {
    sandbox.close();
  }

  /** A manifest of {@code 3 * perRow} items over two spaces. */
  Path manifest(String name, int perRow) throws IOException {
    Path m = dir.resolve(name);
    Files.writeString(m, "key,name,spaceId,count\n"
        + "web,web," + SPACE_A + "," + perRow + "\n"
        + "shop,," + SPACE_A + "," + perRow + "\n"
        + "mail,mail," + SPACE_B + "," + perRow + "\n");
    return m;
  }

  static Set<String> keys(int perRow) {
    Set<String> keys = new TreeSet<>();
    for (String row : List.of("web", "shop", "mail")) {
      keys.add(row);
      for (int i = 2; i <= perRow; i++) {
        keys.add(row + "#" + i);
      }
    }
    return keys;
  }

  record Run(Process process, Path out, Path err) {
    int exit(Duration within) throws InterruptedException {
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("the jar did not end within " + within + "; stderr: " + text(err));
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

  int runs;

  Run start(Map<String, String> extraEnv, String... args) throws IOException {
    String jar = System.getProperty("provisioner.jar", "target/provisioner.jar");
    assertThat(new File(jar)).as("the fat jar (run with mvn verify)").exists();
    // default signal dispositions: a build started with SIGINT ignored must not hide our handling
    List<String> cmd = new ArrayList<>(ai.bctrl.provisioner.testing.DefaultSignals.prefix());
    cmd.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", new File(jar).getAbsolutePath()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.remove("BCTRL_API_KEY");
    env.remove("BCTRL_BASE_URL");
    env.remove("BCTRL_SPACE_ID");
    env.put("BCTRL_API_KEY", KEY);
    env.put("BCTRL_BASE_URL", sandbox.baseUrl().toString());
    extraEnv.forEach((k, v) -> {
      if (v == null) {
        env.remove(k);
      } else {
        env.put(k, v);
      }
    });
    int n = ++runs;
    Path out = dir.resolve("run" + n + ".out");
    Path err = dir.resolve("run" + n + ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    p.getOutputStream().close();
    return new Run(p, out, err);
  }

  Run start(String... args) throws IOException {
    return start(Map.of(), args);
  }

  static Map<String, Outcome> ledger(Path ledger) {
    Map<String, Outcome> last = new LinkedHashMap<>();
    LedgerReader.forEach(ledger, r -> last.put(r.key(), r.outcome()));
    return last;
  }

  static List<ItemResult> records(Path ledger) {
    List<ItemResult> all = new ArrayList<>();
    LedgerReader.forEach(ledger, all::add);
    return all;
  }

  static final Duration LONG = Duration.ofSeconds(60);

  static String[] concat(String[] args, String... more) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
        .toArray(String[]::new);
  }

  @Test
  void killedThreeTimesWithKill9AndResumedEachTimeCreatesEveryItemExactlyOnce() throws Exception {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    String why = "seed " + seed;
    // uncertain answers too, so killed runs leave items that only a listing can settle
    sandbox.reconfigure(sandbox.config().toBuilder()
        .faults(Map.of(FaultKind.HTTP_503, 0.05, FaultKind.RESET_AFTER, 0.05, FaultKind.TRUNCATE, 0.05))
        .build());
    manifest("m.csv", 30);
    Path ledger = dir.resolve("m.ledger.csv");
    String[] args = {"m.csv", "--quiet", "--concurrency", "6", "--rate", "25", "--burst", "3",
        "--settle-delay", "1s", "--grace", "2s"};
    for (int kill = 0; kill < 3; kill++) {
      Run run = start(args);
      long at = 1200 + rnd.nextInt(1800);
      if (!run.process().waitFor(at, TimeUnit.MILLISECONDS)) {
        run.process().destroyForcibly();
      }
      run.process().waitFor(20, TimeUnit.SECONDS);
      assertThat(sandbox.stats().duplicates()).as(why + ", after kill " + (kill + 1)).isZero();
    }
    Run last = start(args);
    assertThat(last.exit(LONG)).as(why + "; stderr: " + last.stderr()).isZero();

    Set<String> expected = keys(30);
    Map<String, Integer> creates = sandbox.stats().createsByKey();
    assertThat(creates.keySet()).as(why).isEqualTo(expected);
    assertThat(creates.values()).as(why + ": every item created exactly once").allMatch(n -> n == 1);
    Map<String, Outcome> outcomes = ledger(ledger);
    assertThat(outcomes.keySet()).as(why).isEqualTo(expected);
    assertThat(outcomes.values()).as(why).allMatch(Outcome::isDone);
    assertThat(dir.resolve("m.ledger.csv.lock")).doesNotExist();
    assertThat(sandbox.stats().faults(FaultKind.RESET_AFTER) + sandbox.stats().faults(FaultKind.TRUNCATE))
        .as(why + ": some answers were lost after the runtime was created").isPositive();
  }

  @Test
  void sigtermMidRunExits143WithinTheGraceAndTheLedgerHoldsEveryCreatedRuntime() throws Exception {
    manifest("m.csv", 25);
    Path ledger = dir.resolve("m.ledger.csv");
    String[] args = {"m.csv", "--concurrency", "6", "--rate", "20", "--settle-delay", "1s", "--grace", "3s"};
    Run run = start(concat(args, "--report", "r.html"));
    awaitCreates(10);
    long t0 = System.nanoTime();
    run.process().destroy();
    int code = run.exit(LONG);
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(code).as(run.stderr()).isEqualTo(143);
    assertThat(tookMs).as("exit within the 3s grace (plus JVM exit)").isLessThan(3000 + 2000);
    assertThat(run.stderr()).contains("SIGTERM", "summary:", "exit code  143");
    Set<String> created = sandbox.stats().createsByKey().keySet();
    assertThat(created).isNotEmpty();
    assertThat(ledger(ledger)).containsKeys(created.toArray(String[]::new));
    assertThat(dir.resolve("m.ledger.csv.lock")).as("removed on a signal").doesNotExist();
    assertThat(text(dir.resolve("r.html"))).as("the report of a run stopped by SIGTERM")
        .contains("<span id=\"exit-code\">143</span> <span id=\"exit-why\">interrupted by SIGTERM</span>");

    Run resume = start(args);
    assertThat(resume.exit(LONG)).as(resume.stderr()).isZero();
    assertThat(sandbox.stats().createsByKey()).hasSize(75).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
    assertThat(ledger(ledger).values()).hasSize(75).allMatch(Outcome::isDone);
    assertThat(resume.stderr()).contains("already done");
  }

  @Test
  void sigintMidRunExits130AndASecondSigintSkipsTheGrace() throws Exception {
    sandbox.reconfigure(sandbox.config().toBuilder().latency(Duration.ofSeconds(20), Duration.ofSeconds(20)).build());
    manifest("m.csv", 10);
    Run run = start("m.csv", "--concurrency", "4", "--rate", "0", "--grace", "30s", "--request-timeout", "60s");
    awaitInFlight(4);
    signal(run, "INT");
    Thread.sleep(500);
    assertThat(run.process().isAlive()).as("the first SIGINT waits for the grace").isTrue();
    signal(run, "INT");
    assertThat(run.exit(Duration.ofSeconds(10))).as(run.stderr()).isEqualTo(130);
    Map<String, Outcome> outcomes = ledger(dir.resolve("m.ledger.csv"));
    assertThat(outcomes).hasSize(4).allSatisfy((k, o) -> assertThat(o).isEqualTo(Outcome.ABORTED));
  }

  @Test
  void deletingTheLedgerAndRunningAgainAdoptsEverythingAndCreatesNothing() throws Exception {
    manifest("m.csv", 20);
    Path ledger = dir.resolve("m.ledger.csv");
    Run first = start("m.csv", "--quiet", "--rate", "0");
    assertThat(first.exit(LONG)).as(first.stderr()).isZero();
    long creates = sandbox.stats().createRequests();
    Files.delete(ledger);

    Run again = start("m.csv", "--quiet", "--rate", "0");
    assertThat(again.exit(LONG)).as(again.stderr()).isZero();
    assertThat(sandbox.stats().createRequests()).isEqualTo(creates);
    assertThat(ledger(ledger)).hasSize(60).allSatisfy((k, o) -> assertThat(o).isEqualTo(Outcome.ADOPTED));
    assertThat(again.stderr()).contains("60 adopted");
  }

  @Test
  void reportsAndRemovesALedgerLineCutByACrashThenFinishes() throws Exception {
    manifest("m.csv", 3);
    Path ledger = dir.resolve("m.ledger.csv");
    Run first = start("m.csv", "--quiet", "--rate", "0", "--shard", "0/1", "--ledger", "m.ledger.csv");
    assertThat(first.exit(LONG)).as(first.stderr()).isZero();
    long creates = sandbox.stats().createRequests();
    Files.writeString(ledger, "web#9,2,space-a,web-9,crea", java.nio.file.StandardOpenOption.APPEND);

    Run again = start("m.csv", "--quiet", "--rate", "0");
    assertThat(again.exit(LONG)).as(again.stderr()).isZero();
    assertThat(again.stderr()).contains("provisioner: ledger " + dir.resolve("m.ledger.csv").toRealPath()
        + ": its last line was cut short (26 bytes, probably by a crash); removed it, the run goes on\n");
    assertThat(text(ledger)).doesNotContain("crea\n").endsWith("\n");
    assertThat(records(ledger)).hasSize(9);
    assertThat(sandbox.stats().createRequests()).isEqualTo(creates);
  }

  @Test
  void exitsTwoWhenARowIsInvalidAndRecordsIt() throws Exception {
    Files.writeString(dir.resolve("m.csv"), "key,spaceId,config.proxy.mode,config.proxy.host,config.proxy.port\n"
        + "good," + SPACE_A + ",,,\n"
        + "bad," + SPACE_A + ",custom,proxy.example,80a\n");
    Run run = start("m.csv", "--quiet");
    assertThat(run.exit(LONG)).as(run.stderr()).isEqualTo(2);
    assertThat(ledger(dir.resolve("m.ledger.csv")))
        .containsEntry("good", Outcome.CREATED).containsEntry("bad", Outcome.INVALID);
    assertThat(run.stderr()).contains("m.csv:3: config.proxy.port");
  }

  @Test
  void exitsThreeAtTheDeadline() throws Exception {
    manifest("m.csv", 20);
    Run run = start("m.csv", "--quiet", "--rate", "4", "--deadline", "2s", "--grace", "1s", "--report", "r.html");
    assertThat(run.exit(LONG)).as(run.stderr()).isEqualTo(3);
    assertThat(run.stderr()).contains("--deadline of 2s passed", "exit code  3");
    assertThat(ledger(dir.resolve("m.ledger.csv")).size()).isLessThan(60);
    assertThat(text(dir.resolve("r.html"))).as("the report of a run stopped by its deadline")
        .contains("<span id=\"exit-code\">3</span> <span id=\"exit-why\">the --deadline of 2s passed</span>",
            "stop requested");
  }

  @Test
  void exits64WithoutAnApiKeyAnd65ForAMalformedManifest() throws Exception {
    manifest("m.csv", 1);
    Map<String, String> noKey = new HashMap<>();
    noKey.put("BCTRL_API_KEY", null);
    Run noKeyRun = start(noKey, "m.csv");
    assertThat(noKeyRun.exit(LONG)).isEqualTo(64);
    assertThat(noKeyRun.stderr()).startsWith("provisioner: no API key").hasLineCount(1);

    Files.writeString(dir.resolve("broken.json"), "[{\"spaceId\": \"" + SPACE_A + "\", \"name\": ");
    Run broken = start("broken.json", "--quiet");
    assertThat(broken.exit(LONG)).as(broken.stderr()).isEqualTo(65);
    assertThat(broken.stderr()).contains("broken.json").doesNotContain("\tat ");
  }

  @Test
  void overMaxItemsExits65BeforeAnythingIsCreated() throws Exception {
    manifest("m.csv", 20); // three rows of 20: the third goes over 50
    Run run = start("m.csv", "--max-items", "50", "--quiet");
    assertThat(run.exit(LONG)).as(run.stderr()).isEqualTo(65);
    assertThat(run.stderr()).contains("--max-items").doesNotContain("\tat ");
    assertThat(sandbox.stats().createRequests()).isZero();
    assertThat(dir.resolve("m.ledger.csv")).doesNotExist();
  }

  @Test
  void neverShowsTheApiKeyOrAProxyPasswordEvenWhenTheKeyIsRejected() throws Exception {
    Files.writeString(dir.resolve("p.csv"), "key,spaceId,count,config.proxy.mode,config.proxy.host,config.proxy.port,"
        + "config.proxy.protocol,config.proxy.username,config.proxy.password\n"
        + "px," + SPACE_A + ",5,custom,proxy.example,8080,http,user,${PROXY_PASS}\n");
    Map<String, String> env = Map.of("PROXY_PASS", PROXY_PASSWORD);
    Run good = start(env, "p.csv", "--summary", "good.json", "--report", "good.html");
    assertThat(good.exit(LONG)).as(good.stderr()).isZero();

    Map<String, String> badKey = new HashMap<>(env);
    badKey.put("BCTRL_API_KEY", KEY + "-wrong");
    Run bad = start(badKey, "p.csv", "--ledger", "bad.ledger.jsonl", "--summary", "bad.json", "--report", "bad.html");
    assertThat(bad.exit(LONG)).as(bad.stderr()).isEqualTo(3);

    List<String> everything = new ArrayList<>();
    for (Run r : List.of(good, bad)) {
      everything.add(r.stdout());
      everything.add(r.stderr());
    }
    assertThat(text(dir.resolve("bad.html"))).as("the report of a run stopped by a rejected key")
        .contains("<span id=\"exit-code\">3</span>", "key rejected");
    for (String f : List.of("p.ledger.csv", "bad.ledger.jsonl", "good.json", "bad.json", "good.html", "bad.html")) {
      everything.add(text(dir.resolve(f)));
    }
    assertThat(String.join("\n", everything))
        .doesNotContain(KEY)
        .doesNotContain(PROXY_PASSWORD)
        .contains("summary:");
  }

  @Test
  void theSandboxFlagRunsTheSampleManifestAndShowsProgressAndASummary() throws Exception {
    Path sample = Path.of("sample-data", "runtimes.csv").toAbsolutePath();
    assertThat(sample).as("the README's sample manifest").exists();
    Files.copy(sample, dir.resolve("runtimes.csv"));
    Map<String, String> env = new HashMap<>();
    env.put("BCTRL_API_KEY", null);
    env.put("BCTRL_BASE_URL", null);
    env.put("PROXY_PASSWORD", PROXY_PASSWORD);
    Run run = start(env, "runtimes.csv", "--sandbox", "--rate", "0", "--concurrency", "16");
    assertThat(run.exit(LONG)).as(run.stderr()).isZero();
    assertThat(run.stderr()).contains("progress: [####################] 200/200", "summary:", "200 created",
        "latency    p50", "wall time", "exit code  0");
    Path ledger = dir.resolve("runtimes.sandbox.ledger.csv");
    assertThat(ledger(ledger)).hasSize(200);
    assertThat(run.stdout() + run.stderr() + text(ledger)).doesNotContain(PROXY_PASSWORD);
  }

  @Test
  void replacesUnhealthyItemsUnderNewKeysOnlyWhenAsked() throws Exception {
    sandbox.reconfigure(sandbox.config().toBuilder().faults(Map.of(FaultKind.FAILED, 1.0)).build());
    manifest("m.csv", 2);
    Path ledger = dir.resolve("m.ledger.csv");
    Run first = start("m.csv", "--quiet", "--rate", "0");
    assertThat(first.exit(LONG)).as(first.stderr()).isEqualTo(2);
    assertThat(ledger(ledger)).hasSize(6).allSatisfy((k, o) -> assertThat(o).isEqualTo(Outcome.UNHEALTHY));

    sandbox.reconfigure(sandbox.config().toBuilder().faults(Map.of()).build());
    Run kept = start("m.csv", "--quiet", "--rate", "0");
    assertThat(kept.exit(LONG)).as("unhealthy items are kept: " + kept.stderr()).isEqualTo(2);
    assertThat(kept.stderr()).contains("6 kept unhealthy");

    Run replaced = start("m.csv", "--quiet", "--rate", "0", "--replace-unhealthy");
    assertThat(replaced.exit(LONG)).as(replaced.stderr()).isZero();
    Map<String, Outcome> outcomes = ledger(ledger);
    for (String key : keys(2)) {
      assertThat(outcomes).containsEntry(key, Outcome.UNHEALTHY).containsEntry(key + "#r1", Outcome.CREATED);
    }
    Run again = start("m.csv", "--quiet", "--rate", "0", "--replace-unhealthy");
    assertThat(again.exit(LONG)).as(again.stderr()).isZero();
    assertThat(again.stderr()).contains("6 already done");
    assertThat(sandbox.stats().createsByKey()).hasSize(12).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
  }

  @Test
  void aSecondRunOnALockedLedgerExits64() throws Exception {
    sandbox.reconfigure(sandbox.config().toBuilder().latency(Duration.ofSeconds(5), Duration.ofSeconds(5)).build());
    manifest("m.csv", 2);
    Run first = start("m.csv", "--quiet", "--rate", "0", "--grace", "0s");
    awaitInFlight(1);
    Run second = start("m.csv", "--quiet");
    assertThat(second.exit(LONG)).isEqualTo(64);
    assertThat(second.stderr()).isEqualTo("provisioner: ledger " + dir.resolve("m.ledger.csv").toRealPath()
        + " is locked by running process " + first.process().pid() + "; wait for it to end or use another --ledger\n");
    first.process().destroy();
    assertThat(first.exit(LONG)).isEqualTo(143);
  }

  @Test
  void twoShardsSplitTheManifestIntoDisjointLedgersThatCoverIt() throws Exception {
    manifest("m.csv", 8);
    for (String shard : List.of("0/2", "1/2")) {
      Run run = start("m.csv", "--quiet", "--rate", "0", "--shard", shard);
      assertThat(run.exit(LONG)).as(run.stderr()).isZero();
    }
    Set<String> first = ledger(dir.resolve("m.shard-0-of-2.ledger.csv")).keySet();
    Set<String> second = ledger(dir.resolve("m.shard-1-of-2.ledger.csv")).keySet();
    assertThat(first).isNotEmpty().doesNotContainAnyElementsOf(second);
    Set<String> union = new TreeSet<>(first);
    union.addAll(second);
    assertThat(union).isEqualTo(keys(8));
    assertThat(sandbox.stats().createsByKey()).hasSize(24).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
  }

  @Test
  void batchesKeepTheirOwnLedgersAndNeverAdoptEachOthersRuntimes() throws Exception {
    manifest("m.csv", 3);
    for (String batch : List.of("mon", "tue")) {
      Run run = start("m.csv", "--quiet", "--rate", "0", "--batch", batch);
      assertThat(run.exit(LONG)).as(run.stderr()).isZero();
      assertThat(ledger(dir.resolve("m." + batch + ".ledger.csv")))
          .hasSize(9).allSatisfy((k, o) -> assertThat(o).isEqualTo(Outcome.CREATED));
    }
    assertThat(sandbox.stats().createsByKey()).hasSize(18).containsKeys("mon:web", "tue:web#3");
  }

  void awaitCreates(int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (sandbox.stats().createsByKey().size() < n) {
      assertThat(System.nanoTime()).as("waiting for %d creates", n).isLessThan(end);
      Thread.sleep(50);
    }
  }

  void awaitInFlight(int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (sandbox.stats().inFlight() < n) {
      assertThat(System.nanoTime()).as("waiting for %d calls in flight", n).isLessThan(end);
      Thread.sleep(50);
    }
  }

  static void signal(Run run, String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(run.process().pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }
}
