package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
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
    Map<String, String> env = new HashMap<>();
    env.put("BCTRL_SPACE_ID", "space-1");
    Io io = new Io(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        new ByteArrayInputStream(new byte[0]), env, dir, false);
    return Main.execute(args, io);
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
