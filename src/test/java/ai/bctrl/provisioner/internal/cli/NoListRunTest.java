package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.ledger.LedgerReader;
import ai.bctrl.provisioner.sandbox.FaultKind;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API that cannot list, end to end: the run in this process (as {@code Main} runs it) over real
 * HTTP against a sandbox that answers its list route 405, asserting on the sandbox's record.
 */
class NoListRunTest {
  @TempDir Path dir;
  private SandboxServer sandbox;
  private final StringWriter err = new StringWriter();

  @AfterEach
  void close() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private void start(SandboxConfig.Builder b) {
    sandbox = SandboxServer.start(b.port(0).seed(14L).noList(true)
        .latency(Duration.ofMillis(1), Duration.ofMillis(3)).build());
  }

  private int run(String... args) throws IOException {
    StringBuilder csv = new StringBuilder("key,name,count\n");
    csv.append("w,worker,200\n");
    Files.writeString(dir.resolve("m.csv"), csv);
    Map<String, String> env = Map.of("BCTRL_API_KEY", sandbox.apiKey(), "BCTRL_SPACE_ID", "space-1",
        "BCTRL_BASE_URL", sandbox.baseUrl().toString());
    Io io = new Io(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        new ByteArrayInputStream(new byte[0]), env, dir, false);
    return Main.execute(args, io);
  }

  private Map<Outcome, Long> ledger() {
    return LedgerReader.load(dir.resolve("m.ledger.csv"), false).itemOutcomes().values().stream()
        .collect(Collectors.groupingBy(o -> o, Collectors.counting()));
  }

  @Test
  void withoutNoListAMissingListRouteStopsTheRunAtOnceWithExit3AndCreatesNothing() throws IOException {
    start(SandboxConfig.builder());

    int code = run("m.csv", "--quiet", "--rate", "0");

    assertThat(code).isEqualTo(3);
    assertThat(err.toString()).contains("the API cannot list runtimes: GET " + sandbox.baseUrl()
        + "/v1/spaces/space-1/runtimes answered HTTP 405").contains("run with --no-list");
    assertThat(err.toString()).doesNotContain("\tat ");
    assertThat(sandbox.stats().createRequests()).isZero();
    assertThat(ledger()).isEmpty();                        // items never started get no record
  }

  @Test
  void withNoListLostAnswersEndUnknownAndAreNeverCreatedAgainEvenOnResume() throws IOException {
    start(SandboxConfig.builder().faults(Map.of(FaultKind.RESET_AFTER, 0.05, FaultKind.HTTP_503, 0.05)));

    int code = run("m.csv", "--quiet", "--rate", "0", "--no-list", "--max-attempts", "20");

    long lost = sandbox.stats().faults(FaultKind.RESET_AFTER);
    assertThat(lost).as("the seed draws some lost answers").isPositive();
    assertThat(code).isEqualTo(2);
    assertThat(sandbox.stats().duplicates()).isZero();
    assertThat(sandbox.stats().listRequests()).isZero();
    assertThat(sandbox.stats().createsByKey()).hasSize(200);
    assertThat(ledger()).containsOnly(Map.entry(Outcome.CREATED, 200 - lost), Map.entry(Outcome.UNKNOWN, lost));
    assertThat(err.toString()).contains("  unknown    " + lost + " may or may not exist");

    long creates = sandbox.stats().createRequests();
    err.getBuffer().setLength(0);
    int again = run("m.csv", "--quiet", "--rate", "0", "--no-list");

    assertThat(again).isEqualTo(2);
    assertThat(sandbox.stats().createRequests()).as("nothing sent on resume").isEqualTo(creates);
    assertThat(sandbox.stats().duplicates()).isZero();
    assertThat(err.toString()).contains(lost + " left unknown (--no-list)");
  }
}
