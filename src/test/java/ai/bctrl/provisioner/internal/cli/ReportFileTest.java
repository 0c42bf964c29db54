package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReportFileTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return run(new PrintWriter(err, true), Map.of(), args);
  }

  private int run(PrintWriter stderr, Map<String, String> moreEnv, String... args) {
    Map<String, String> env = new HashMap<>(moreEnv);
    env.put("BCTRL_SPACE_ID", "space-1");
    Io io = new Io(new PrintWriter(new StringWriter(), true), stderr,
        new ByteArrayInputStream(new byte[0]), env, dir, false);
    return Main.execute(args, io);
  }

  /** Standard error that throws, once, on the first line containing {@code trigger}: a stage failing by a bug. */
  static PrintWriter failingOnce(StringWriter into, String trigger) {
    AtomicBoolean thrown = new AtomicBoolean();
    return new PrintWriter(into, true) {
      @Override
      public void println(String line) {
        if (line.contains(trigger) && thrown.compareAndSet(false, true)) {
          throw new IllegalStateException("a stage broke while telling: " + line);
        }
        super.println(line);
      }
    };
  }

  @Test
  void anInternalErrorMidRunStillLeavesTheReportWithExit1AndWhy() throws IOException {
    Files.writeString(dir.resolve("m.csv"), "key,name,count\na,alpha,3\nb,beta,2\nc,,0\nd,delta,2\n");
    int code = run(failingOnce(err, "m.csv:4"), Map.of(), "m.csv", "--sandbox", "--quiet", "--rate", "0",
        "--report", "r.html");

    assertThat(code).as(err.toString()).isEqualTo(1);
    assertThat(err.toString()).contains("provisioner: internal error: IllegalStateException: a stage broke");
    String html = Files.readString(dir.resolve("r.html"));
    assertThat(text(html, "exit-code")).isEqualTo("1");
    assertThat(text(html, "exit-why")).startsWith("internal error: IllegalStateException: a stage broke");
    assertThat(dir.resolve("m.sandbox.ledger.csv.lock")).as("kept: calls may have been in flight").exists();
  }

  @Test
  void anApiThatGoesAwayMidRunLeavesTheReportOfTheStop() throws Exception {
    Files.writeString(dir.resolve("m.csv"), "key,name,count\na,alpha,200\n");
    SandboxServer api = SandboxServer.start(SandboxConfig.builder().port(0).build());
    AtomicInteger code = new AtomicInteger(-1);
    Thread run = new Thread(() -> code.set(run(new PrintWriter(err, true),
        Map.of("BCTRL_API_KEY", api.apiKey(), "BCTRL_BASE_URL", api.baseUrl().toString()),
        "m.csv", "--quiet", "--rate", "20", "--settle-delay", "100ms", "--max-consecutive-failures", "5",
        "--report", "r.html", "--summary", "s.json")));
    try {
      run.start();
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (api.stats().createRequests() < 10) {
        assertThat(System.nanoTime()).as("waiting for the run's first creates").isLessThan(end);
        Thread.sleep(10); // polling the run in another thread; nothing under test sleeps
      }
    } finally {
      api.close(); // the API is gone: every call from now on is refused
    }
    run.join(Duration.ofSeconds(120).toMillis());

    assertThat(run.isAlive()).as("the run ends").isFalse();
    assertThat(code.get()).as(err.toString()).isEqualTo(3);
    String html = Files.readString(dir.resolve("r.html"));
    JsonNode summary = JsonMapper.builder().build().readTree(Files.readString(dir.resolve("s.json")));
    assertThat(text(html, "exit-code")).isEqualTo("3");
    assertThat(text(html, "exit-why")).contains("in a row");
    assertThat(text(html, "attempts")).isEqualTo(summary.get("attempts").asText());
    assertThat(text(html, "outcome-created")).isEqualTo(summary.get("outcomes").get("created").asText())
        .isNotEqualTo("0");
  }

  @Test
  void aSandboxRunWritesAReportWhoseFiguresAreTheSummarys() throws IOException {
    Files.writeString(dir.resolve("m.csv"), "key,name,count\na,alpha,3\nb,beta,2\nc,,0\n");
    int code = run("m.csv", "--sandbox", "--quiet", "--rate", "0", "--report", "r.html", "--summary", "s.json");

    assertThat(code).as(err.toString()).isEqualTo(2); // the row with count 0 is invalid
    String html = Files.readString(dir.resolve("r.html"));
    JsonNode summary = JsonMapper.builder().build().readTree(Files.readString(dir.resolve("s.json")));
    for (Outcome o : Outcome.values()) {
      if (o.isTeardown()) { // a teardown's outcomes: not on a run's page (none can occur in a run)
        assertThat(html).doesNotContain("id=\"outcome-" + o.wire() + "\"");
        continue;
      }
      assertThat(text(html, "outcome-" + o.wire())).as(o.wire())
          .isEqualTo(summary.get("outcomes").get(o.wire()).asText());
    }
    assertThat(text(html, "outcome-invalid")).isEqualTo("1");
    assertThat(text(html, "attempts")).isEqualTo(summary.get("attempts").asText());
    for (String p : new String[] {"p50", "p90", "p99", "max"}) {
      assertThat(text(html, "latency-" + p)).isEqualTo(summary.get("latencyMs").get(p).asText());
    }
    assertThat(text(html, "exit-code")).isEqualTo("2");
    assertThat(text(html, "exit-why")).isEqualTo("1 item is not done (1 invalid); run again to retry them");
    assertThat(html).contains("<th>--rate</th><td>0 (no limit)</td>", "--sandbox (simulated API");
  }

  @Test
  void aRunWithALearnedRateChartsItPerSpace() throws IOException {
    Files.writeString(dir.resolve("m.csv"), "key,name,count\na,alpha,6\n");
    assertThat(run("m.csv", "--sandbox", "--quiet", "--rate", "auto", "--max-rate", "50", "--report", "r.html"))
        .as(err.toString()).isZero();
    String html = Files.readString(dir.resolve("r.html"));
    assertThat(html).contains("<th>--rate</th><td>auto (learned per space)</td>", "<th>--max-rate</th><td>50 per second</td>",
        "id=\"chart-learned-rate\"", "Learned rate, by space", "space-1");
  }

  @Test
  void aReportInADirectoryThatDoesNotExistIsRefusedBeforeAnythingRuns() throws IOException {
    Files.writeString(dir.resolve("m.csv"), "key,name\na,alpha\n");
    int code = run("m.csv", "--sandbox", "--quiet", "--report", "nowhere/r.html");

    assertThat(code).isEqualTo(64);
    assertThat(err.toString()).isEqualTo("provisioner: --report " + dir.resolve("nowhere/r.html") + ": the directory "
        + dir.resolve("nowhere") + " does not exist; create it first\n");
    assertThat(dir.resolve("m.sandbox.ledger.csv")).doesNotExist();
  }

  @Test
  void aReportPathThatIsADirectoryIsRefused() throws IOException {
    Files.writeString(dir.resolve("m.csv"), "key,name\na,alpha\n");
    Files.createDirectory(dir.resolve("reports"));
    assertThat(run("m.csv", "--sandbox", "--quiet", "--report", "reports")).isEqualTo(64);
    assertThat(err.toString()).contains("is a directory; give a file name, like run-report.html");
  }

  @Test
  void theWhyOfAnIncompleteRunCountsWhatIsNotDone() {
    Summary s = new Summary();
    s.add(result(Outcome.CREATED));
    s.add(result(Outcome.FAILED));
    s.add(result(Outcome.FAILED));
    s.add(result(Outcome.ABORTED));
    s.keptUnhealthy();
    assertThat(ReportFile.why(2, s))
        .isEqualTo("4 items are not done (2 failed, 1 aborted, 1 kept unhealthy from an earlier run); run again to retry them");
    assertThat(ReportFile.why(0, s)).isEqualTo("every item is created or adopted");
  }

  private static ItemResult result(Outcome o) {
    return new ItemResult("k", 1, "s", null, o, null, null, null, null, null, 1, 10, Instant.EPOCH);
  }

  static String text(String html, String id) {
    Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(html);
    assertThat(m.find()).as("an element with id %s", id).isTrue();
    return m.group(1).replace(",", "");
  }
}
