package ai.bctrl.provisioner.internal.report;

import ai.bctrl.provisioner.Latencies;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.internal.Durations;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Writes a run report: one self-contained HTML page (charts as inline SVG drawn here, a few lines of
 * inline script for the hover readout, inline style) that loads nothing. A Content-Security-Policy
 * of {@code default-src 'none'} makes any request from it impossible, and the page counts in
 * {@code data-errors} and {@code data-blocked} on its root element any script error or blocked
 * request, and sets {@code data-ready} once its script has run, so a browser test can check it.
 *
 * <p>Every figure a user may want to compare with the summary sits in an element with an id
 * ({@code outcome-created}, {@code attempts}, {@code retries-rateLimited429}, {@code latency-p99},
 * {@code exit-code}...). Every text from the run goes through the given redaction and is escaped.
 * Pure: builds a string.
 */
public final class HtmlReport {
  static final String CSP =
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
          + "base-uri 'none'; form-action 'none'";

  private static final Map<Outcome, String> OUTCOME_COLORS = Map.of(
      Outcome.CREATED, "#2e7d32", Outcome.ADOPTED, "#00897b", Outcome.UNHEALTHY, "#ef6c00",
      Outcome.FAILED, "#c62828", Outcome.INVALID, "#6a1b9a", Outcome.UNKNOWN, "#757575",
      Outcome.ABORTED, "#8d6e63", Outcome.STOPPED, "#5c6bc0", Outcome.DELETED, "#455a64");
  private static final Map<RetryCause, String> CAUSE_COLORS = Map.of(
      RetryCause.RATE_LIMITED, "#f9a825", RetryCause.SERVER_5XX, "#c62828", RetryCause.TIMEOUT, "#6a1b9a",
      RetryCause.RESET, "#1565c0", RetryCause.OTHER, "#757575");
  private static final String[] RATE_COLORS =
      {"#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00897b", "#c62828", "#5d4037", "#455a64"};
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private final ReportPage page;
  private final ReportData data;
  private final UnaryOperator<String> redact;
  private final List<TimeChart> charts = new ArrayList<>();
  /** The outcomes in the totals and the table by space. */
  private final List<Outcome> shown;

  private HtmlReport(ReportPage page, ReportData data, UnaryOperator<String> redact) {
    this.page = page;
    this.data = data;
    this.redact = redact;
    this.shown = page.shownOutcomes(data);
  }

  /**
   * The page for {@code data}.
   *
   * @param redact applied to every text from the run before it is written (secrets out)
   */
  public static String render(ReportPage page, ReportData data, UnaryOperator<String> redact) {
    Objects.requireNonNull(redact, "redact");
    return new HtmlReport(page, data, redact).html();
  }

  /** The key of a retry cause in the summary's JSON, and in this page's element ids. */
  public static String retryKey(RetryCause cause) {
    return switch (cause) {
      case RATE_LIMITED -> "rateLimited429";
      case SERVER_5XX -> "server5xx";
      case TIMEOUT -> "timeout";
      case RESET -> "reset";
      case OTHER -> "other";
    };
  }

  private String t(String s) {
    return Html.esc(s == null ? null : redact.apply(s));
  }

  private String html() {
    StringBuilder sb = new StringBuilder(64 * 1024);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\" data-errors=\"0\" data-blocked=\"0\">\n<head>\n")
        .append("<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"generator\" content=\"").append(t(page.generator())).append("\">\n")
        .append("<title>").append(t(page.title())).append(" · ").append(UTC.format(page.startedAt()))
        .append("</title>\n")
        .append("<script>").append(WATCH_SCRIPT).append("</script>\n")
        .append("<style>").append(STYLE).append("</style>\n</head>\n<body>\n");
    header(sb);
    totals(sb);
    timeCharts(sb);
    histogram(sb);
    bySpace(sb);
    errors(sb);
    answers(sb);
    settings(sb);
    footer(sb);
    sb.append("<script type=\"application/json\" id=\"report-data\">").append(readoutJson()).append("</script>\n");
    sb.append("<script>").append(READOUT_SCRIPT).append("</script>\n");
    sb.append("</body>\n</html>\n");
    return sb.toString();
  }

  private void header(StringBuilder sb) {
    int code = page.exitCode();
    String tone = code == 0 ? "ok" : code == 2 ? "warn" : code == 130 || code == 143 ? "stop" : "bad";
    sb.append("<header>\n<h1>").append(t(page.title())).append("</h1>\n")
        .append("<p class=\"when\">started <span id=\"started-at\">").append(UTC.format(page.startedAt()))
        .append("</span> · ran <span id=\"wall-time\" data-ms=\"").append(page.wall().toMillis()).append("\">")
        .append(Durations.format(page.wall())).append("</span></p>\n")
        .append("<div class=\"exit ").append(tone).append("\"><span class=\"label\">exit code</span> <span id=\"exit-code\">")
        .append(code).append("</span> <span id=\"exit-why\">").append(t(page.exitWhy())).append("</span></div>\n");
    ReportRecorder.Stop stop = data.stop();
    if (stop != null) {
      sb.append("<p class=\"stop\">stopped after ").append(Html.clock(stop.atSeconds())).append(": <b>")
          .append(t(stop.reason())).append("</b>")
          .append(stop.message() == null ? "" : " — " + t(stop.message())).append("</p>\n");
    }
    sb.append("</header>\n");
  }

  private void totals(StringBuilder sb) {
    sb.append("<section id=\"totals\">\n<h2>Totals</h2>\n<div class=\"cards\">\n");
    card(sb, "items-ended", "items ended", Html.count(data.items()), null);
    for (Outcome o : shown) {
      card(sb, "outcome-" + o.wire(), o.wire(), Html.count(data.total(o)), OUTCOME_COLORS.get(o));
    }
    for (ReportPage.Figure fig : page.figures()) {
      card(sb, fig.id(), fig.label(), fig.value(), null);
    }
    card(sb, "attempts", page.calls() + " made", Html.count(data.attempts()), null);
    Timeline.Snapshot tl = data.timeline();
    for (RetryCause c : RetryCause.values()) {
      card(sb, "retries-" + retryKey(c), "retries after " + ReportRecorder.causeName(c),
          Html.count(tl.total(ReportRecorder.RETRIES + c.ordinal())), CAUSE_COLORS.get(c));
    }
    Latencies l = data.latency();
    for (String[] p : new String[][] {{"p50", "0.5"}, {"p90", "0.9"}, {"p99", "0.99"}, {"max", "1"}}) {
      String v = l.count() == 0 ? "–" : Long.toString(l.percentileMs(Double.parseDouble(p[1])));
      sb.append("<div class=\"card\"><div class=\"value\"><span id=\"latency-").append(p[0]).append("\">").append(v)
          .append("</span><small> ms</small></div><div class=\"what\">latency ").append(p[0]).append("</div></div>\n");
    }
    card(sb, "settled-found", "settled: found", Html.count(data.settledFound()), null);
    card(sb, "settled-not-found", "settled: not found", Html.count(data.settledNotFound()), null);
    sb.append("</div>\n<p class=\"note\">Latency is per item: from its first call's start to its end, retries and "
        + "settling included; p50/p90/p99 by nearest rank, exact below one second and within 1.6% above.</p>\n")
        .append("</section>\n");
  }

  private void card(StringBuilder sb, String id, String what, String value, String color) {
    sb.append("<div class=\"card\"><div class=\"value\"><span id=\"").append(id).append("\">").append(t(value))
        .append("</span></div><div class=\"what\">");
    if (color != null) {
      sb.append("<i class=\"dot\" style=\"background:").append(color).append("\"></i>");
    }
    sb.append(t(what)).append("</div></div>\n");
  }

  private void timeCharts(StringBuilder sb) {
    Timeline.Snapshot tl = data.timeline();
    double bs = tl.bucketSeconds();
    int n = tl.buckets();
    String calls = page.calls();

    TimeChart rate = new TimeChart("chart-calls", calls + "/s", bs, n)
        .stack("ended: succeeded", "#2e7d32", tl.perSecond(ReportRecorder.CALLS_SUCCEEDED))
        .stack("ended: to retry", "#f9a825", tl.perSecond(ReportRecorder.CALLS_RETRYABLE))
        .stack("ended: uncertain", "#ef6c00", tl.perSecond(ReportRecorder.CALLS_UNCERTAIN))
        .stack("ended: failed", "#c62828", tl.perSecond(ReportRecorder.CALLS_FAILED))
        .line("started", "#1565c0", tl.perSecond(ReportRecorder.CALLS_STARTED));
    if (page.rateLimit() != null && page.rateLimit() > 0) {
      rate.reference("--rate limit", "#1565c0", page.rateLimit());
    }
    chart(sb, rate, capitalized(calls) + " started and ended per second",
        "Started: every attempt, retries included. Ended: by what the answer meant for the item.");

    double[] inFlight = new double[n];
    double[] now = tl.carried(ReportRecorder.IN_FLIGHT_NOW);
    for (int i = 0; i < n; i++) {
      inFlight[i] = Math.max(tl.peaks()[ReportRecorder.IN_FLIGHT_PEAK][i], Double.isNaN(now[i]) ? 0 : now[i]);
    }
    TimeChart flight = new TimeChart("chart-in-flight", "in flight", bs, n).line("most in flight", "#1565c0", inFlight);
    if (page.concurrency() != null) {
      flight.reference("--concurrency", "#1565c0", page.concurrency());
    }
    chart(sb, flight, capitalized(calls) + " in flight", "The most in flight at once in each interval.");

    TimeChart retries = new TimeChart("chart-retries", "retries/s", bs, n);
    for (RetryCause c : RetryCause.values()) {
      retries.stack("after " + ReportRecorder.causeName(c), CAUSE_COLORS.get(c),
          tl.perSecond(ReportRecorder.RETRIES + c.ordinal()));
    }
    chart(sb, retries, "Retries per second, by cause",
        "A 429 pauses every start for its Retry-After; other causes back off per item.");

    if (!data.rateSpaces().isEmpty()) {
      TimeChart learned = new TimeChart("chart-learned-rate", "calls/s", bs, n);
      for (int k = 0; k < data.rateSpaces().size(); k++) {
        learned.line(redact.apply(data.rateSpaces().get(k)), RATE_COLORS[k % RATE_COLORS.length],
            tl.carried(ReportRecorder.RATE + k));
      }
      chart(sb, learned, "Learned rate, by space", "The rate the run allowed itself in each space, as it learned it.");
    }

    double[] mean = new double[n];
    double[] max = new double[n];
    long[] total = tl.sums()[ReportRecorder.LATENCY_TOTAL_MS];
    long[] count = tl.sums()[ReportRecorder.LATENCY_CALLS];
    for (int i = 0; i < n; i++) {
      mean[i] = count[i] == 0 ? Double.NaN : total[i] / (double) count[i];
      max[i] = count[i] == 0 ? Double.NaN : tl.peaks()[ReportRecorder.LATENCY_MAX_MS][i];
    }
    chart(sb, new TimeChart("chart-latency", "ms", bs, n)
            .line("slowest", "#ef6c00", max)
            .line("mean", "#1565c0", mean),
        "Call latency over time", "One call's latency, by when it ended; no line where no call ended.");

    chart(sb, new TimeChart("chart-items", "items/s", bs, n)
            .stack("done", "#2e7d32", tl.perSecond(ReportRecorder.ITEMS_DONE))
            .stack("not done", "#c62828", tl.perSecond(ReportRecorder.ITEMS_NOT_DONE)),
        "Items ended per second", "Done: " + page.doneWords() + ". Not done: every other outcome.");
  }

  private void chart(StringBuilder sb, TimeChart c, String title, String note) {
    ReportRecorder.Stop stop = data.stop();
    if (stop != null) {
      c.marker(stop.atSeconds(), "stop");
    }
    charts.add(c);
    String hint = "Point at the chart for the values of one interval.";
    sb.append("<section class=\"panel\">\n<h2>").append(Html.esc(title)).append("</h2>\n").append(c.svg()).append('\n')
        .append("<div class=\"legend\">");
    for (TimeChart.Series s : c.series()) {
      sb.append("<span><i class=\"").append(s.kind() == TimeChart.Kind.REFERENCE ? "dash" : s.kind() == TimeChart.Kind.LINE
              ? "line" : "dot").append("\" style=\"").append(s.kind() == TimeChart.Kind.STACK ? "background:" : "border-color:")
          .append(s.color()).append("\"></i>").append(t(s.name())).append("</span>");
    }
    sb.append("<span class=\"unit\">").append(Html.esc(c.label())).append("</span></div>\n")
        .append("<p class=\"readout\" id=\"").append(c.id()).append("-readout\" data-hint=\"").append(hint).append("\">")
        .append(hint).append("</p>\n<p class=\"note\">").append(Html.esc(note)).append("</p>\n</section>\n");
  }

  private void histogram(StringBuilder sb) {
    sb.append("<section class=\"panel\" id=\"latency\">\n<h2>Item latency</h2>\n");
    long[] bins = data.latencyBins();
    int first = -1;
    int last = -1;
    for (int k = 0; k < bins.length; k++) {
      if (bins[k] > 0) {
        last = k;
        if (first < 0) {
          first = k;
        }
      }
    }
    if (first < 0) {
      sb.append("<p class=\"note\">No item made a call, so there is no latency to show.</p>\n</section>\n");
      return;
    }
    first = Math.max(0, first - 1);
    last = Math.min(bins.length - 1, last + 1);
    int nb = last - first + 1;
    long top = Arrays.stream(bins).max().orElse(1);
    double yMax = TimeChart.niceCeiling(top);
    double yStep = TimeChart.niceStep(yMax);
    int w = TimeChart.W;
    int h = TimeChart.H;
    int left = TimeChart.LEFT;
    int plotW = w - left - TimeChart.RIGHT;
    int plotH = h - TimeChart.TOP - TimeChart.BOTTOM;
    double bw = plotW / (double) nb;
    sb.append("<svg class=\"chart\" id=\"chart-histogram\" viewBox=\"0 0 ").append(w).append(' ').append(h)
        .append("\" role=\"img\" aria-label=\"item latency histogram\"><g class=\"axes\">");
    for (int k = 0; k * yStep <= yMax + 1e-9; k++) {
      double v = k * yStep;
      double y = h - TimeChart.BOTTOM - v / yMax * plotH;
      sb.append("<line x1=\"").append(left).append("\" x2=\"").append(w - TimeChart.RIGHT).append("\" y1=\"")
          .append(TimeChart.f(y)).append("\" y2=\"").append(TimeChart.f(y)).append("\" class=\"grid\"/><text x=\"")
          .append(left - 6).append("\" y=\"").append(TimeChart.f(y + 4)).append("\" text-anchor=\"end\">")
          .append(Html.num(v)).append("</text>");
    }
    int every = Math.max(1, (int) Math.ceil(nb / 10.0));
    for (int k = first; k <= last; k++) {
      if ((k - first) % every == 0) {
        double x = left + (k - first) * bw;
        sb.append("<text x=\"").append(TimeChart.f(x)).append("\" y=\"").append(h - TimeChart.BOTTOM + 16)
            .append("\" text-anchor=\"middle\">").append(ms(LatencyBins.lower(k))).append("</text>");
      }
    }
    sb.append("<line x1=\"").append(left).append("\" x2=\"").append(w - TimeChart.RIGHT).append("\" y1=\"")
        .append(h - TimeChart.BOTTOM).append("\" y2=\"").append(h - TimeChart.BOTTOM).append("\" class=\"axis\"/></g>");
    for (int k = first; k <= last; k++) {
      if (bins[k] == 0) {
        continue;
      }
      double bh = bins[k] / yMax * plotH;
      long upper = LatencyBins.upper(k);
      sb.append("<rect x=\"").append(TimeChart.f(left + (k - first) * bw + 1)).append("\" y=\"")
          .append(TimeChart.f(h - TimeChart.BOTTOM - bh)).append("\" width=\"").append(TimeChart.f(Math.max(1, bw - 2)))
          .append("\" height=\"").append(TimeChart.f(bh)).append("\" fill=\"#1565c0\"><title>")
          .append(ms(LatencyBins.lower(k))).append(upper < 0 ? " and more" : " to " + ms(upper)).append(": ")
          .append(Html.count(bins[k])).append(" items</title></rect>");
    }
    Latencies l = data.latency();
    String[][] marks = {{"p50", "0.5", "#2e7d32"}, {"p90", "0.9", "#ef6c00"}, {"p99", "0.99", "#c62828"}};
    for (String[] m : marks) {
      long v = l.percentileMs(Double.parseDouble(m[1]));
      double x = left + (LatencyBins.bin(v) - first + 0.5) * bw;
      sb.append("<line x1=\"").append(TimeChart.f(x)).append("\" x2=\"").append(TimeChart.f(x)).append("\" y1=\"")
          .append(TimeChart.TOP).append("\" y2=\"").append(h - TimeChart.BOTTOM).append("\" stroke=\"").append(m[2])
          .append("\" stroke-dasharray=\"4 3\"/><text x=\"").append(TimeChart.f(x + 3)).append("\" y=\"")
          .append(TimeChart.TOP + 10 + 12 * Arrays.asList(marks).indexOf(m)).append("\" fill=\"").append(m[2])
          .append("\">").append(m[0]).append(' ').append(ms(v)).append("</text>");
    }
    sb.append("</svg>\n<p class=\"note\">Items by latency on a log scale (").append(Html.count(l.count()))
        .append(" items that made a call); point at a bar for its count.</p>\n</section>\n");
  }

  private void bySpace(StringBuilder sb) {
    sb.append("<section class=\"panel\" id=\"by-space\">\n<h2>Outcomes by space</h2>\n<table class=\"outcomes\"><thead><tr><th>space</th>");
    for (Outcome o : shown) {
      sb.append("<th class=\"n\"><i class=\"dot\" style=\"background:").append(OUTCOME_COLORS.get(o)).append("\"></i>")
          .append(o.wire()).append("</th>");
    }
    sb.append("<th class=\"n\">total</th><th class=\"bar\"></th></tr></thead>\n<tbody>\n");
    long[] totals = new long[Outcome.values().length];
    for (Map.Entry<String, long[]> e : data.bySpace().entrySet()) {
      row(sb, t(e.getKey()), e.getValue());
      for (int i = 0; i < totals.length; i++) {
        totals[i] += e.getValue()[i];
      }
    }
    if (data.bySpace().isEmpty()) {
      sb.append("<tr><td colspan=\"").append(shown.size() + 3).append("\">no item ended</td></tr>\n");
    }
    sb.append("</tbody>\n<tfoot>");
    row(sb, "all spaces", totals);
    sb.append("</tfoot></table>\n</section>\n");
  }

  private void row(StringBuilder sb, String label, long[] counts) {
    long sum = Arrays.stream(counts).sum();
    sb.append("<tr><td class=\"space\">").append(label).append("</td>");
    for (Outcome o : shown) {
      long c = counts[o.ordinal()];
      sb.append("<td class=\"n").append(c == 0 ? " zero" : "").append("\">").append(Html.count(c)).append("</td>");
    }
    sb.append("<td class=\"n\">").append(Html.count(sum)).append("</td><td class=\"bar\"><div class=\"stack\">");
    for (Outcome o : Outcome.values()) {
      long c = counts[o.ordinal()];
      if (c > 0) {
        sb.append("<i style=\"flex-grow:").append(c).append(";background:").append(OUTCOME_COLORS.get(o))
            .append("\" title=\"").append(o.wire()).append(": ").append(c).append("\"></i>");
      }
    }
    sb.append("</div></td></tr>\n");
  }

  private void errors(StringBuilder sb) {
    sb.append("<section class=\"panel\" id=\"errors\">\n<h2>Errors by code</h2>\n");
    List<ReportRecorder.ErrorCount> errors = new ArrayList<>(data.errors());
    if (errors.isEmpty()) {
      sb.append("<p class=\"note\">Every item that ended is done: no errors.</p>\n</section>\n");
      return;
    }
    errors.sort(Comparator.comparingLong(ReportRecorder.ErrorCount::count).reversed());
    sb.append("<table><thead><tr><th>code</th><th class=\"n\">items</th><th>example message</th></tr></thead><tbody>\n");
    for (ReportRecorder.ErrorCount e : errors) {
      sb.append("<tr><td class=\"code\">").append(t(e.code())).append("</td><td class=\"n\">")
          .append(Html.count(e.count())).append("</td><td class=\"msg\">").append(t(e.example())).append("</td></tr>\n");
    }
    sb.append("</tbody></table>\n<p class=\"note\">Items whose outcome is not " + page.doneWords() + ", by the error code "
        + "of their last answer (or their outcome when there is none), with the first message seen.</p>\n</section>\n");
  }

  private void answers(StringBuilder sb) {
    sb.append("<section class=\"panel\" id=\"answers\">\n<h2>").append(Html.esc(capitalized(page.calls())))
        .append(" by answer</h2>\n");
    List<Map.Entry<String, Long>> rows = new ArrayList<>(data.answers().entrySet());
    if (rows.isEmpty()) {
      sb.append("<p class=\"note\">No call ended.</p>\n</section>\n");
      return;
    }
    rows.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    sb.append("<table><thead><tr><th>answer</th><th class=\"n\">calls</th></tr></thead><tbody>\n");
    for (Map.Entry<String, Long> e : rows) {
      sb.append("<tr><td class=\"code\">").append(t(e.getKey())).append("</td><td class=\"n\">")
          .append(Html.count(e.getValue())).append("</td></tr>\n");
    }
    sb.append("</tbody></table>\n</section>\n");
  }

  private void settings(StringBuilder sb) {
    sb.append("<section class=\"panel\" id=\"settings\">\n<h2>Settings</h2>\n<table><tbody>\n");
    for (ReportPage.Setting s : page.settings()) {
      sb.append("<tr><th>").append(t(s.name())).append("</th><td>").append(t(s.value())).append("</td></tr>\n");
    }
    sb.append("</tbody></table>\n</section>\n");
  }

  private void footer(StringBuilder sb) {
    Timeline.Snapshot tl = data.timeline();
    sb.append("<footer><p>Written by ").append(t(page.generator())).append(". Each point of the charts is ")
        .append(tl.bucketSeconds() == 1 ? "one second" : Html.num(tl.bucketSeconds()) + " seconds")
        .append(" (a long run is drawn in wider intervals, so the report stays small). This page loads nothing: "
            + "everything in it is inline.</p></footer>\n");
  }

  /** The series behind each chart, for the hover readout. */
  private String readoutJson() {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"bucketSeconds\":").append(Html.jsonNumber(data.timeline().bucketSeconds())).append(",\"charts\":{");
    boolean firstChart = true;
    for (TimeChart c : charts) {
      sb.append(firstChart ? "" : ",").append(Html.jsonString(c.id())).append(":{\"unit\":")
          .append(Html.jsonString(" " + c.label())).append(",\"series\":[");
      firstChart = false;
      boolean firstSeries = true;
      for (TimeChart.Series s : c.series()) {
        if (s.kind() == TimeChart.Kind.REFERENCE) {
          continue;
        }
        sb.append(firstSeries ? "" : ",").append("{\"name\":").append(Html.jsonString(redact.apply(s.name())))
            .append(",\"values\":[");
        firstSeries = false;
        for (int i = 0; i < s.values().length; i++) {
          sb.append(i == 0 ? "" : ",").append(Html.jsonNumber(s.values()[i]));
        }
        sb.append("]}");
      }
      sb.append("]}");
    }
    return sb.append("}}").toString();
  }

  private static String ms(long ms) {
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return Html.num(Math.round(ms / 100.0) / 10.0) + "s";
    }
    return Html.num(Math.round(ms / 6000.0) / 10.0) + "m";
  }

  private static String capitalized(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** First in the head: counts script errors and blocked requests on the root element. */
  private static final String WATCH_SCRIPT = "(function(){var d=document.documentElement,e=0,b=0;"
      + "function err(){d.setAttribute('data-errors',String(++e));}"
      + "window.addEventListener('error',err);window.addEventListener('unhandledrejection',err);"
      + "document.addEventListener('securitypolicyviolation',function(v){"
      + "d.setAttribute('data-blocked',String(++b));d.setAttribute('data-blocked-uri',String(v.blockedURI));});})();";

  /** Last in the body: the hover readout of each time chart; then marks the page ready. */
  private static final String READOUT_SCRIPT = String.join("\n",
      "(function(){",
      "var data=JSON.parse(document.getElementById('report-data').textContent);",
      "function clock(s){s=Math.round(s);if(s<60)return s+'s';var p=function(n){return (n<10?'0':'')+n;};",
      "if(s<3600)return Math.floor(s/60)+'m'+(s%60?p(s%60)+'s':'');return Math.floor(s/3600)+'h'+p(Math.floor(s%3600/60))+'m';}",
      "function fmt(v){return v==null?'–':(Math.round(v*100)/100).toLocaleString('en');}",
      "Array.prototype.forEach.call(document.querySelectorAll('svg.chart[data-buckets]'),function(svg){",
      "var c=data.charts[svg.id];if(!c)return;",
      "var out=document.getElementById(svg.id+'-readout'),cur=svg.querySelector('line.cursor');",
      "var left=+svg.getAttribute('data-left'),pw=+svg.getAttribute('data-plot-width'),n=+svg.getAttribute('data-buckets');",
      "var vw=svg.viewBox.baseVal.width;",
      "function hide(){cur.setAttribute('visibility','hidden');out.textContent=out.getAttribute('data-hint');}",
      "svg.addEventListener('mouseleave',hide);",
      "svg.addEventListener('mousemove',function(ev){var r=svg.getBoundingClientRect();",
      "var i=Math.floor(((ev.clientX-r.left)/r.width*vw-left)/pw*n);if(i<0||i>=n){hide();return;}",
      "var x=left+(i+0.5)*pw/n;cur.setAttribute('x1',x);cur.setAttribute('x2',x);cur.setAttribute('visibility','visible');",
      "out.textContent=clock(i*data.bucketSeconds)+' to '+clock((i+1)*data.bucketSeconds)+': '+",
      "c.series.map(function(s){return s.name+' '+fmt(s.values[i]);}).join(' · ')+c.unit;});",
      "});",
      "document.documentElement.setAttribute('data-ready','1');",
      "})();");

  private static final String STYLE = String.join("\n",
      ":root{color-scheme:light;--fg:#1d2330;--muted:#5f6b7a;--line:#e3e7ee;--panel:#fff;--bg:#f5f7fa}",
      "*{box-sizing:border-box}",
      "body{margin:0;padding:24px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"
          + "'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}",
      "header,section,footer{max-width:1040px;margin:0 auto 16px}",
      "h1{font-size:24px;margin:0 0 4px}h2{font-size:16px;margin:0 0 8px}",
      ".when{color:var(--muted);margin:0 0 10px}",
      ".exit{display:inline-block;padding:8px 14px;border-radius:6px;font-size:15px;border-left:6px solid}",
      ".exit .label{color:var(--muted)}#exit-code{font-weight:700;font-size:20px;margin:0 8px 0 2px}",
      ".exit.ok{background:#e8f5e9;border-color:#2e7d32}.exit.warn{background:#fff8e1;border-color:#f9a825}",
      ".exit.bad{background:#ffebee;border-color:#c62828}.exit.stop{background:#eceff1;border-color:#546e7a}",
      ".stop{margin:10px 0 0;color:var(--fg)}",
      ".panel,#totals{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:14px 16px}",
      ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(118px,1fr));gap:8px}",
      ".card{border:1px solid var(--line);border-radius:6px;padding:8px 10px}",
      ".card .value{font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}",
      ".card .value small{font-size:12px;font-weight:400;color:var(--muted)}",
      ".card .what{color:var(--muted);font-size:12px}",
      ".dot{display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:5px;vertical-align:baseline}",
      "svg.chart{width:100%;height:auto;display:block}",
      "svg.chart text{font-size:11px;fill:var(--muted)}",
      "svg.chart .grid{stroke:var(--line)}svg.chart .axis,svg.chart .tick{stroke:#9aa5b1}",
      "svg.chart .cursor{stroke:#1d2330;stroke-width:1}svg.chart .marker-label{fill:#444}",
      ".legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:var(--muted);margin-top:4px}",
      ".legend .line,.legend .dash{display:inline-block;width:16px;height:0;border-top:2px solid;margin-right:5px;"
          + "vertical-align:middle}",
      ".legend .dash{border-top-style:dashed}.legend .unit{margin-left:auto}",
      ".readout{font-size:12px;margin:6px 0 0;min-height:1.45em;font-variant-numeric:tabular-nums}",
      ".note{color:var(--muted);font-size:12px;margin:6px 0 0}",
      "table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}",
      "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}",
      "th{font-weight:600}#settings th{width:30%;font-weight:500;color:var(--muted)}",
      "td.n,th.n{text-align:right}td.zero{color:#b0b8c3}tfoot td{font-weight:600}",
      "td.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:nowrap}",
      "td.msg{word-break:break-word}",
      "td.space{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}",
      "td.bar{width:16%}.stack{display:flex;height:10px;border-radius:2px;overflow:hidden;margin-top:4px}",
      "table.outcomes th.n{font-size:12px}",
      "footer{color:var(--muted);font-size:12px}",
      "@media print{body{background:#fff;padding:0}.readout{display:none}}");
}
