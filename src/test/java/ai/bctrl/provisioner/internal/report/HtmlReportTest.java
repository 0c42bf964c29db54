package ai.bctrl.provisioner.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.internal.report.ReportRecorder.CallEnd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  private static final String SECRET = "pw-SECRET-hunter2";
  private static final long S = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong();
  private final ReportRecorder rec = new ReportRecorder(now::get);

  private ReportPage page(int exitCode, String why) {
    return new ReportPage("Provisioning run", "create calls", Instant.parse("2026-11-30T01:30:00Z"),
        Duration.ofSeconds(12), exitCode, why,
        List.of(new ReportPage.Setting("--base-url", "https://api.bctrl.ai"),
            new ReportPage.Setting("--defaults", "/etc/" + SECRET + ".json")),
        List.of(new ReportPage.Figure("already-done", "already done", "7")), 10.0, 8, "provisioner test");
  }

  private String render(int exitCode, String why) {
    return HtmlReport.render(page(exitCode, why), rec.data(), s -> s.replace(SECRET, "***"));
  }

  private void someRun() {
    rec.callStarted(1);
    rec.callEnded(CallEnd.RETRYABLE, 429, "rate_limited", RetryCause.RATE_LIMITED, Duration.ofMillis(30));
    rec.retryScheduled(RetryCause.RATE_LIMITED);
    now.set(2 * S);
    rec.callStarted(1);
    rec.callEnded(CallEnd.SUCCEEDED, 201, null, null, Duration.ofMillis(250));
    rec.item(new ItemResult("a", 2, "space-a", null, Outcome.CREATED, "rt_1", null, 201, null, null, 2, 2100,
        Instant.EPOCH));
    rec.item(new ItemResult("b", 3, "space-b", null, Outcome.FAILED, null, null, 400, "runtime.invalid_proxy",
        "proxy password " + SECRET + " refused <script>alert(1)</script>", 1, 120, Instant.EPOCH));
    now.set(5 * S);
    rec.stopped("TOO_MANY_FAILURES", "50 attempts in a row failed; last: " + SECRET);
  }

  @Test
  void everyFigureSitsInAnElementWithAnId() {
    someRun();
    String html = render(3, "stopped: too many failures");
    assertThat(text(html, "exit-code")).isEqualTo("3");
    assertThat(text(html, "exit-why")).isEqualTo("stopped: too many failures");
    assertThat(text(html, "items-ended")).isEqualTo("2");
    assertThat(text(html, "outcome-created")).isEqualTo("1");
    assertThat(text(html, "outcome-failed")).isEqualTo("1");
    assertThat(text(html, "outcome-aborted")).isEqualTo("0");
    assertThat(text(html, "attempts")).isEqualTo("3");
    assertThat(text(html, "retries-rateLimited429")).isEqualTo("1");
    assertThat(text(html, "retries-server5xx")).isEqualTo("0");
    assertThat(text(html, "latency-p50")).isEqualTo("120");
    assertThat(text(html, "latency-max")).isEqualTo("2100");
    assertThat(text(html, "already-done")).isEqualTo("7");
    assertThat(html).contains("id=\"chart-calls\"", "id=\"chart-in-flight\"", "id=\"chart-retries\"",
        "id=\"chart-latency\"", "id=\"chart-items\"", "id=\"chart-histogram\"", "stopped after 5s");
  }

  @Test
  void theRedactionAppliesToEveryTextAndEveryTextIsEscaped() {
    someRun();
    String html = render(3, "stopped: " + SECRET);
    assertThat(html).doesNotContain(SECRET).doesNotContain("<script>alert");
    assertThat(html).contains("proxy password *** refused &lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(html).contains("/etc/***.json");
  }

  @Test
  void thePageLoadsNothing() {
    someRun();
    String html = render(0, "every item is created or adopted");
    assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ");
    assertThat(html).doesNotContainPattern("(?i)\\b(src|href)\\s*=")
        .doesNotContainPattern("(?i)url\\(")
        .doesNotContainPattern("(?i)@import");
    // the only URL in the page is the one the user configured, shown as text
    Matcher urls = Pattern.compile("https?://[^\\s<\"]+").matcher(html);
    while (urls.find()) {
      assertThat(urls.group()).isIn("https://api.bctrl.ai", "http://www.w3.org/2000/svg");
    }
  }

  @Test
  void outcomesAreShownBySpaceAndErrorsByCodeWithACountAndAnExampleMessage() {
    someRun();
    rec.item(new ItemResult("c", 4, "space-b", null, Outcome.FAILED, null, null, 400, "runtime.invalid_proxy",
        "a later message, not shown", 1, 90, Instant.EPOCH));
    String html = render(2, "2 items are not done");

    assertThat(spaceRow(html, "space-a")).containsEntry("created", "1").containsEntry("failed", "0")
        .containsEntry("total", "1");
    assertThat(spaceRow(html, "space-b")).containsEntry("created", "0").containsEntry("failed", "2")
        .containsEntry("total", "2");
    assertThat(spaceRow(html, "all spaces")).containsEntry("created", "1").containsEntry("failed", "2");
    assertThat(html).contains("<tr><td class=\"code\">runtime.invalid_proxy</td><td class=\"n\">2</td>"
        + "<td class=\"msg\">proxy password *** refused &lt;script&gt;alert(1)&lt;/script&gt;</td></tr>")
        .doesNotContain("a later message");
  }

  /** The outcomes-by-space table's row for {@code space}, as column name to the count shown. */
  static Map<String, String> spaceRow(String html, String space) {
    Matcher table = Pattern.compile("<section class=\"panel\" id=\"by-space\">[\\s\\S]*?</section>").matcher(html);
    assertThat(table.find()).as("the outcomes-by-space table").isTrue();
    List<String> columns = new ArrayList<>();
    Matcher th = Pattern.compile("<th class=\"n\">(?:<i[^>]*></i>)?([a-z]+)</th>").matcher(table.group());
    while (th.find()) {
      columns.add(th.group(1));
    }
    Matcher row = Pattern.compile("<tr><td class=\"space\">" + Pattern.quote(space) + "</td>(.*?)</tr>")
        .matcher(table.group());
    assertThat(row.find()).as("a row for %s", space).isTrue();
    Matcher td = Pattern.compile("<td class=\"n[^\"]*\">([^<]*)</td>").matcher(row.group(1));
    Map<String, String> out = new LinkedHashMap<>();
    for (String c : columns) {
      assertThat(td.find()).as("a %s cell for %s", c, space).isTrue();
      out.put(c, td.group(1));
    }
    return out;
  }

  @Test
  void theLearnedRateIsChartedOnlyWhenARateWasLearned() {
    someRun();
    assertThat(render(0, "ok")).doesNotContain("chart-learned-rate");
    rec.rateChanged("space-a", 4.5);
    assertThat(render(0, "ok")).contains("id=\"chart-learned-rate\"", "Learned rate, by space");
  }

  @Test
  void aRunWithoutCallsStillMakesAPage() {
    String html = render(0, "every item is created or adopted");
    assertThat(text(html, "items-ended")).isEqualTo("0");
    assertThat(text(html, "latency-p50")).isEqualTo("–");
    assertThat(html).contains("No item made a call", "</html>");
  }

  /** The text of the element with {@code id} (which holds text only). */
  static String text(String html, String id) {
    Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(html);
    assertThat(m.find()).as("an element with id %s", id).isTrue();
    return m.group(1);
  }
}
