package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.internal.ledger.LedgerLock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  static final String KEY = "sk_test_SECRET_0123456789";

  @TempDir Path dir;
  StringWriter out;
  StringWriter err;
  Map<String, String> env;

  @BeforeEach
  void setUp() throws IOException {
    out = new StringWriter();
    err = new StringWriter();
    env = new HashMap<>();
    env.put("BCTRL_API_KEY", KEY);
    env.put("BCTRL_SPACE_ID", "space-1");
    // nothing listens on port 1: a test that gets as far as the network fails loudly
    env.put("BCTRL_BASE_URL", "http://127.0.0.1:1");
    Files.writeString(dir.resolve("m.csv"), "key,name\na,alpha\nb,beta\n");
  }

  byte[] stdin = new byte[0];

  int run(String... args) {
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true),
        new ByteArrayInputStream(stdin), env, dir, false);
    return Main.execute(args, io);
  }

  void assertOneLineUsageError(int code, String message) {
    assertThat(code).isEqualTo(64);
    assertThat(err.toString()).isEqualTo(message + "\n");
    assertThat(err.toString()).doesNotContain(KEY).doesNotContain("\tat ");
  }

  @Test
  void anUnknownOptionIsOneLineAndPointsToHelp() {
    assertOneLineUsageError(run("m.csv", "--bogus"),
        "provisioner run: Unknown option: '--bogus'; see 'java -jar provisioner.jar run --help'");
  }

  @Test
  void aMissingManifestIsOneLine() {
    assertOneLineUsageError(run("run"),
        "provisioner run: Missing required parameter: 'MANIFEST'; see 'java -jar provisioner.jar run --help'");
  }

  @Test
  void aBadDurationIsOneLine() {
    assertOneLineUsageError(run("m.csv", "--grace", "5x"),
        "provisioner run: Invalid value for option '--grace': invalid duration \"5x\": use e.g. 250ms, 30s, 5m, 1h "
            + "or ISO-8601 PT30S; see 'java -jar provisioner.jar run --help'");
  }

  @Test
  void aBadShardIsOneLine() {
    assertOneLineUsageError(run("m.csv", "--shard", "2/2"),
        "provisioner run: Invalid value for option '--shard': shard index must be 0..1 (0-based) but was 2; "
            + "see 'java -jar provisioner.jar run --help'");
  }

  @Test
  void aNonNumberIsOneLine() {
    assertThat(run("m.csv", "--concurrency", "many")).isEqualTo(64);
    assertThat(err.toString()).startsWith("provisioner run: Invalid value for option '--concurrency': 'many' is not an int")
        .hasLineCount(1);
  }

  @Test
  void aRateThatIsNeitherANumberNorAutoIsOneLine() {
    assertOneLineUsageError(run("m.csv", "--rate", "fast"),
        "provisioner run: Invalid value for option '--rate': must be calls per second (0 = no limit) or auto, "
            + "got \"fast\"; see 'java -jar provisioner.jar run --help'");
  }

  @Test
  void aMaxRateNeedsRateAuto() {
    assertOneLineUsageError(run("m.csv", "--max-rate", "50"),
        "provisioner: --max-rate is the ceiling of a learned rate; use it with --rate auto");
    err.getBuffer().setLength(0);
    assertOneLineUsageError(run("m.csv", "--rate", "auto", "--burst", "5"),
        "provisioner: --burst is for a fixed --rate; --rate auto spaces its starts evenly");
  }

  @Test
  void zeroConcurrencyIsRefusedByName() {
    assertOneLineUsageError(run("m.csv", "--concurrency", "0"), "provisioner: --concurrency must be >= 1 but was 0");
  }

  @Test
  void noApiKeyIsAUsageError() {
    env.remove("BCTRL_API_KEY");
    assertOneLineUsageError(run("m.csv"), "provisioner: no API key: set BCTRL_API_KEY or pass --api-key-file PATH "
        + "(or try --sandbox to run against the simulated API)");
  }

  @Test
  void aMissingApiKeyFileIsAUsageError() {
    assertOneLineUsageError(run("m.csv", "--api-key-file", "nope.txt"),
        "provisioner: cannot read --api-key-file nope.txt (no such file)");
  }

  @Test
  void aKeyFileSavedWithAByteOrderMarkAndACrlfYieldsTheKeyAlone() throws IOException {
    Files.writeString(dir.resolve("key.txt"), "\uFEFF" + KEY + "\r\n");
    picocli.CommandLine cl = Main.commandLine(new Io(new PrintWriter(out, true), new PrintWriter(err, true),
        new ByteArrayInputStream(stdin), env, dir, false));
    picocli.CommandLine.ParseResult parsed = cl.parseArgs("run", "m.csv", "--api-key-file", "key.txt");
    RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(run.settings().apiKey()).isEqualTo(KEY);
  }

  @Test
  void aCommandBuiltAloneHasTheSameUsageAsAmongAllFour() {
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(stdin), env, dir,
        false);
    picocli.CommandLine all = Main.commandLine(io);
    for (String name : List.of("run", "validate", "sandbox", "teardown")) {
      picocli.CommandLine alone = Main.commandLine(io, name);
      assertThat(alone.getSubcommands().keySet()).containsExactly(name);
      assertThat(alone.getSubcommands().get(name).getUsageMessage())
          .isEqualTo(all.getSubcommands().get(name).getUsageMessage());
    }
    assertThat(Main.commandLine(io, "help").getSubcommands().keySet())
        .containsExactly("run", "validate", "sandbox", "teardown", "help");
  }

  @Test
  void standardInputNeedsFormatAndLedger() {
    assertOneLineUsageError(run("-"), "provisioner: MANIFEST - (standard input) needs --format csv|json|jsonl; see --help");
  }

  @Test
  void aLedgerLockedByALiveRunIsAUsageError() {
    Path ledger = dir.resolve("m.ledger.csv");
    LedgerLock held = LedgerLock.acquire(ledger);
    try {
      assertOneLineUsageError(run("m.csv"), "provisioner: ledger " + ledger + " is locked by running process "
          + ProcessHandle.current().pid() + "; wait for it to end or use another --ledger");
      assertThat(held.path()).as("the holder's lock is untouched").exists();
    } finally {
      held.release();
    }
  }

  @Test
  void aFileThatIsNotALedgerIsAUsageError() throws IOException {
    Files.writeString(dir.resolve("m.ledger.csv"), "something else\n");
    assertThat(run("m.csv")).isEqualTo(64);
    assertThat(err.toString()).startsWith("provisioner: ledger " + dir.resolve("m.ledger.csv") + ":1: not the ledger header")
        .hasLineCount(1);
    assertThat(dir.resolve("m.ledger.csv.lock")).doesNotExist();
  }

  @Test
  void aManifestWithAnUnknownColumnExits65WithoutTouchingTheNetwork() throws IOException {
    Files.writeString(dir.resolve("bad.csv"), "key,nmae\na,x\n");
    assertThat(run("bad.csv", "--quiet")).isEqualTo(65);
    assertThat(err.toString()).contains("nmae").doesNotContain(KEY);
    assertThat(dir.resolve("bad.ledger.csv.lock")).doesNotExist();
    assertThat(dir.resolve("bad.ledger.csv")).as("no header-only ledger left behind").doesNotExist();
  }

  @Test
  void aFileThatIsNotJsonExits65BeforeAnyLedgerIsCreated() throws IOException {
    Files.writeString(dir.resolve("junk.json"), "{\"name\": \"a\"} trailing");
    assertThat(run("junk.json", "--quiet", "--sandbox")).isEqualTo(65);
    assertThat(err.toString()).contains("junk.json");
    assertThat(dir.resolve("junk.sandbox.ledger.csv")).doesNotExist();
  }

  @Test
  void versionAndHelpExitZero() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("provisioner ");
    out.getBuffer().setLength(0);
    assertThat(run("run", "--help")).isZero();
    assertThat(out.toString()).contains("--replace-unhealthy", "--max-consecutive-failures", "BCTRL_API_KEY",
        "Default: 10s");
  }

  @Test
  void helpAsACommandShowsTheTopOrACommandsUsage() {
    assertThat(run("help")).isZero();
    assertThat(out.toString()).contains("teardown [OPTIONS] LEDGER", "Exit codes:");
    out.getBuffer().setLength(0);
    assertThat(run("help", "teardown")).isZero();
    assertThat(out.toString()).contains("--keep-stopped", "--dry-run");
    assertThat(run("help", "nosuch")).isNotZero();
  }

  @Test
  void validatePrintsThePlanAndExitsZeroForAGoodManifest() {
    assertThat(run("validate", "m.csv")).isZero();
    assertThat(out.toString()).isNotEmpty();
  }

  @Test
  void validateExits65ForAnInvalidRow() throws IOException {
    Files.writeString(dir.resolve("inv.csv"), "key,config.proxy.mode,config.proxy.host,config.proxy.port\na,custom,h,80a\n");
    assertThat(run("validate", "inv.csv")).isEqualTo(65);
    assertThat(out.toString()).contains("inv.csv:2: config.proxy.port");
  }

  @Test
  void validateTreatsAnEmptyBctrlSpaceIdAsUnsetAsRunDoes() throws IOException {
    Files.writeString(dir.resolve("spaced.csv"), "key,spaceId\na,space-9\n");
    env.put("BCTRL_SPACE_ID", "");
    assertThat(run("validate", "spaced.csv")).as(err.toString()).isZero();
    assertThat(run("spaced.csv", "--dry-run")).as(err.toString()).isZero();
  }

  @Test
  void dryRunIsValidate() {
    assertThat(run("m.csv", "--dry-run")).isZero();
    assertThat(out.toString()).isNotEmpty();
    assertThat(dir.resolve("m.ledger.csv")).doesNotExist();
  }

  @Test
  void theDefaultLedgerNameKeepsBatchesSandboxAndShardsApart() {
    ManifestArgs m = new ManifestArgs();
    m.manifest = "in/nightly.csv";
    assertThat(m.ledgerPath(dir, false)).isEqualTo(dir.resolve("nightly.ledger.csv"));
    m.batch = "2026-01-02";
    m.shard = new Shard(1, 4);
    assertThat(m.ledgerPath(dir, true)).isEqualTo(dir.resolve("nightly.2026-01-02.sandbox.shard-1-of-4.ledger.csv"));
    m.ledger = Path.of("x.jsonl");
    assertThat(m.ledgerPath(dir, true)).isEqualTo(Path.of("x.jsonl"));
  }

  @Test
  void aBatchWithSlashesKeepsTheDefaultLedgerInTheWorkingDirectory() throws IOException {
    // '/' is a valid batch character: it must not turn the default ledger name into a path
    ManifestArgs m = new ManifestArgs();
    m.manifest = "nightly.csv";
    m.batch = "../../2026/01";
    Path ledger = m.ledgerPath(dir, false);
    assertThat(ledger.getParent()).isEqualTo(dir);
    assertThat(ledger.getFileName().toString()).isEqualTo("nightly...%2F..%2F2026%2F01.ledger.csv");
    m.batch = "2026_01";
    assertThat(m.ledgerPath(dir, false)).as("batches stay apart").isNotEqualTo(ledger);

    assertThat(run("m.csv", "--sandbox", "--quiet", "--rate", "0", "--batch", "team/2026-01-02"))
        .as(err.toString()).isZero();
    assertThat(Files.readAllLines(dir.resolve("m.team%2F2026-01-02.sandbox.ledger.csv"))).hasSize(3);
  }

  @Test
  void aSandboxRunProvisionsEverythingAndPrintsTheSummary() throws IOException {
    assertThat(run("m.csv", "--sandbox", "--quiet", "--rate", "0", "--summary", "s.json")).isZero();
    assertThat(err.toString()).contains("summary:", "2 created", "exit code  0");
    assertThat(Files.readAllLines(dir.resolve("m.sandbox.ledger.csv"))).hasSize(3);
    assertThat(Files.readString(dir.resolve("s.json"))).contains("\"created\" : 2", "m.sandbox.ledger.csv\"",
        "\"exitCode\" : 0");
    assertThat(dir.resolve("m.sandbox.ledger.csv.lock")).doesNotExist();
  }

  @Test
  void aSandboxRunWithALearnedRateSummarisesIt() throws IOException {
    assertThat(run("m.csv", "--sandbox", "--quiet", "--rate", "auto", "--max-rate", "50", "--summary", "s.json"))
        .isZero();
    // the controller starts at 10/s and may climb while calls succeed: how far depends on timing
    assertThat(err.toString()).contains("2 created").containsPattern(
        "  learned    settled at 1\\d\\.\\d/s \\(lowest 10\\.0, highest 1\\d\\.\\d\\); 0 of 2 calls answered 429 \\(0\\.0%\\)");
    assertThat(Files.readString(dir.resolve("s.json"))).containsPattern("\"settledPerSecond\" : 1\\d\\.\\d")
        .contains("\"calls\" : 2");
  }

  @Test
  void sandboxRefusesABackwardsLatencyInOneLine() {
    assertOneLineUsageError(run("sandbox", "--latency", "5s..1s"),
        "provisioner: --latency: MAX must be >= MIN, got \"5s..1s\"");
  }

  @Test
  void sandboxRefusesAnUnknownFaultInOneLine() {
    assertThat(run("sandbox", "--faults", "teapot=0.5")).isEqualTo(64);
    assertThat(err.toString()).startsWith("provisioner: --faults: ").hasLineCount(1);
  }

  @Test
  void sandboxRefusesABadRateScheduleInOneLineNamingThePart() {
    assertOneLineUsageError(run("sandbox", "--rate-schedule", "60@0s,20@soon"),
        "provisioner: --rate-schedule: time must be a duration like 30s, got \"soon\" in \"20@soon\"");
  }

  @Test
  void sandboxTakesNoListAndARateSchedule() {
    SandboxCommand c = new SandboxCommand(null);
    new picocli.CommandLine(c).parseArgs("--no-list", "--rate", "5", "--burst", "3", "--rate-schedule", "60@0s,20@30s");
    ai.bctrl.provisioner.sandbox.SandboxConfig config = c.config();
    assertThat(config.noList()).isTrue();
    assertThat(config.rate()).isEqualTo(5);
    assertThat(config.burst()).isEqualTo(3);
    assertThat(config.rateSchedule()).hasToString("[60@0s, 20@30s]");
    SandboxCommand none = new SandboxCommand(null);
    new picocli.CommandLine(none).parseArgs();
    assertThat(none.config().noList()).isFalse();
    assertThat(none.config().rateSchedule()).isEmpty();
  }

  @Test
  void sandboxNamesTheFlagOfABadValue() {
    assertOneLineUsageError(run("sandbox", "--burst", "0"), "provisioner: --burst must be >= 1 but was 0");
    err.getBuffer().setLength(0);
    assertOneLineUsageError(run("sandbox", "--fault-rate", "2"), "provisioner: --fault-rate must be 0..1 but was 2.0");
    err.getBuffer().setLength(0);
    assertOneLineUsageError(run("sandbox", "--port", "70000"), "provisioner: --port must be 0..65535 but was 70000");
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void sandboxOnAPortInUseIsAUsageErrorNotAnInternalOne() throws IOException {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      int code = run("sandbox", "--port", String.valueOf(taken.getLocalPort()));
      assertThat(code).isEqualTo(64);
      assertThat(err.toString()).startsWith("provisioner: sandbox cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .endsWith("; choose another --port (0 = any free port)\n").hasLineCount(1)
          .doesNotContain("internal error").doesNotContain("PROVISIONER_DEBUG");
    }
  }

  @Test
  void aMisspelledOptionIsNamedAloneWithTheNearestRealOne() {
    // picocli takes "3" for MANIFEST and then calls m.csv an unknown option too
    assertOneLineUsageError(run("--concurency", "3", "m.csv"),
        "provisioner run: Unknown option: '--concurency' (did you mean --concurrency?); "
            + "see 'java -jar provisioner.jar run --help'");
  }

  @Test
  void anUnknownHelpTopicIsOneCleanLine() {
    assertOneLineUsageError(run("help", "nosuch"),
        "provisioner: Unknown subcommand 'nosuch'; see 'java -jar provisioner.jar --help'");
  }

  @Test
  void theUsagesFirstSuggestionSetsThePasswordTheSampleManifestNeeds() {
    run();
    assertThat(err.toString())
        .contains("Try:  export PROXY_PASSWORD=demo-password\n"
            + "      java -jar provisioner.jar --sandbox sample-data/runtimes.csv\n");
  }

  @Test
  void aBadBatchIsAUsageErrorNamingTheFlag() {
    assertThat(run("m.csv", "--batch", "a:b")).isEqualTo(64);
    assertThat(err.toString()).startsWith("provisioner: --batch must be").hasLineCount(1);
  }

  @Test
  void readsAManifestFromStandardInput() throws IOException {
    stdin = "{\"key\":\"s1\"}\n{\"key\":\"s2\",\"count\":2}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(run("-", "--format", "jsonl", "--ledger", "in.ledger.jsonl", "--sandbox", "--quiet", "--rate", "0"))
        .as(err.toString()).isZero();
    assertThat(Files.readAllLines(dir.resolve("in.ledger.jsonl"))).hasSize(3);
  }

  @Test
  void noArgumentsPrintsUsageAndExits64() {
    assertThat(run()).isEqualTo(64);
    assertThat(err.toString()).contains("validate", "sandbox", "Usage:");
  }

  @Test
  void aManifestFoundMalformedMidRunExits65AfterRecordingTheItemsBeforeIt() throws IOException {
    StringBuilder csv = new StringBuilder("key,name\n");
    for (int i = 0; i < 20; i++) {
      csv.append("k").append(i).append(",n").append(i).append('\n');
    }
    csv.append("broken,\"unclosed\n");
    Files.writeString(dir.resolve("late.csv"), csv.toString());
    assertThat(run("late.csv", "--sandbox", "--quiet", "--rate", "0")).as(err.toString()).isEqualTo(65);
    assertThat(err.toString()).contains("late.csv", "exit code  65");
    List<String> lines = Files.readAllLines(dir.resolve("late.sandbox.ledger.csv"));
    assertThat(lines).hasSize(21);
    assertThat(lines.subList(1, 21)).allMatch(l -> l.contains(",created,"));
    assertThat(dir.resolve("late.sandbox.ledger.csv.lock")).as("a clean end").doesNotExist();
  }
}
