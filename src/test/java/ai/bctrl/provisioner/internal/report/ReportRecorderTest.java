package ai.bctrl.provisioner.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.internal.report.ReportRecorder.CallEnd;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReportRecorderTest {
  private static final long S = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong();
  private final ReportRecorder rec = new ReportRecorder(now::get);

  static ItemResult item(String key, String space, Outcome o, String code, String error, int attempts, long ms) {
    return new ItemResult(key, 1, space, null, o, null, null, null, code, error, attempts, ms, Instant.EPOCH);
  }

  @Test
  void callsRetriesAndItemsArePerSecond() {
    rec.callStarted(1);
    rec.callStarted(2);
    rec.callEnded(CallEnd.RETRYABLE, 429, "rate_limited", RetryCause.RATE_LIMITED, Duration.ofMillis(40));
    rec.retryScheduled(RetryCause.RATE_LIMITED);
    now.set(S + 1);
    rec.callEnded(CallEnd.SUCCEEDED, 201, null, null, Duration.ofMillis(300));
    rec.item(item("a", "s1", Outcome.CREATED, null, null, 1, 300));
    now.set(2 * S + 1);
    rec.callStarted(1);
    rec.callEnded(CallEnd.UNCERTAIN, null, "provisioner.timeout", RetryCause.TIMEOUT, Duration.ofMillis(900));
    rec.retryScheduled(RetryCause.TIMEOUT);

    ReportData d = rec.data();
    Timeline.Snapshot t = d.timeline();
    assertThat(t.sums()[ReportRecorder.CALLS_STARTED]).containsExactly(2, 0, 1);
    assertThat(t.sums()[ReportRecorder.CALLS_RETRYABLE]).containsExactly(1, 0, 0);
    assertThat(t.sums()[ReportRecorder.CALLS_SUCCEEDED]).containsExactly(0, 1, 0);
    assertThat(t.sums()[ReportRecorder.CALLS_UNCERTAIN]).containsExactly(0, 0, 1);
    assertThat(t.sums()[ReportRecorder.RETRIES + RetryCause.RATE_LIMITED.ordinal()]).containsExactly(1, 0, 0);
    assertThat(t.sums()[ReportRecorder.RETRIES + RetryCause.TIMEOUT.ordinal()]).containsExactly(0, 0, 1);
    assertThat(t.sums()[ReportRecorder.ITEMS_DONE]).containsExactly(0, 1, 0);
    assertThat(t.peaks()[ReportRecorder.IN_FLIGHT_PEAK]).containsExactly(2, 0, 1);
    assertThat(t.carried(ReportRecorder.IN_FLIGHT_NOW)).containsExactly(1.0, 0.0, 0.0);
    assertThat(t.peaks()[ReportRecorder.LATENCY_MAX_MS]).containsExactly(40, 300, 900);
    assertThat(d.answers()).containsEntry("429 rate_limited", 1L).containsEntry("201", 1L)
        .containsEntry("no answer (timeout)", 1L);
  }

  @Test
  void itemsAreCountedBySpaceAndErrorsByCodeWithTheirFirstMessage() {
    rec.item(item("a", "s1", Outcome.CREATED, null, null, 1, 10));
    rec.item(item("b", "s1", Outcome.FAILED, "runtime.invalid", "bad profile (requestId r1)", 1, 10));
    rec.item(item("c", "s2", Outcome.FAILED, "runtime.invalid", "bad profile (requestId r2)", 2, 10));
    rec.item(item("d", "s2", Outcome.ABORTED, null, "the run stopped before this item ended", 1, 10));
    rec.item(item("e", null, Outcome.INVALID, "provisioner.invalid_row", "count: must be 1..10000", 0, 0));

    ReportData d = rec.data();
    assertThat(d.bySpace().keySet()).containsExactly("s1", "s2", ReportRecorder.NO_SPACE);
    assertThat(d.bySpace().get("s1")[Outcome.CREATED.ordinal()]).isEqualTo(1);
    assertThat(d.bySpace().get("s2")[Outcome.ABORTED.ordinal()]).isEqualTo(1);
    assertThat(d.total(Outcome.FAILED)).isEqualTo(2);
    assertThat(d.items()).isEqualTo(5);
    assertThat(d.attempts()).isEqualTo(5);
    assertThat(d.errors()).containsExactly(
        new ReportRecorder.ErrorCount("runtime.invalid", 2, "bad profile (requestId r1)"),
        new ReportRecorder.ErrorCount("(aborted)", 1, "the run stopped before this item ended"),
        new ReportRecorder.ErrorCount("provisioner.invalid_row", 1, "count: must be 1..10000"));
    assertThat(d.latency().count()).as("only items that made a call").isEqualTo(4);
  }

  @Test
  void spacesCodesAndAnswersBeyondTheirBoundAreCountedAsOther() {
    for (int i = 0; i < ReportRecorder.MAX_SPACES + 10; i++) {
      rec.item(item("k" + i, "space-" + i, Outcome.FAILED, "code." + i, "message " + i, 1, 5));
      rec.callEnded(CallEnd.FAILED, 400 + i, "code." + i, null, Duration.ofMillis(5));
    }
    ReportData d = rec.data();
    assertThat(d.bySpace()).hasSize(ReportRecorder.MAX_SPACES + 1).containsKey(ReportRecorder.OTHER_SPACES);
    assertThat(d.bySpace().get(ReportRecorder.OTHER_SPACES)[Outcome.FAILED.ordinal()]).isEqualTo(10);
    assertThat(d.errors()).hasSize(ReportRecorder.MAX_CODES + 1);
    assertThat(d.errors().get(ReportRecorder.MAX_CODES).code()).isEqualTo(ReportRecorder.OTHER_CODES);
    assertThat(d.errors().get(ReportRecorder.MAX_CODES).count()).isEqualTo(ReportRecorder.MAX_SPACES + 10 - ReportRecorder.MAX_CODES);
    assertThat(d.answers()).hasSize(ReportRecorder.MAX_ANSWERS + 1).containsKey(ReportRecorder.OTHER_ANSWERS);
    assertThat(d.total(Outcome.FAILED)).isEqualTo(ReportRecorder.MAX_SPACES + 10);
  }

  @Test
  void aLongMessageIsKeptShortOnOneLine() {
    rec.item(item("a", "s", Outcome.FAILED, "x", "line one\nline two " + "y".repeat(1000), 1, 5));
    String example = rec.data().errors().get(0).example();
    assertThat(example).startsWith("line one line two y").hasSize(ReportRecorder.MAX_MESSAGE).endsWith("…");
  }

  @Test
  void latencyPercentilesAreTheNearestRankExactBelowOneSecond() {
    long seed = 77L;
    Random random = new Random(seed);
    long[] values = new long[2000];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextInt(1000);
      rec.item(item("k" + i, "s", Outcome.CREATED, null, null, 1, values[i]));
    }
    Arrays.sort(values);
    ReportData d = rec.data();
    for (double q : new double[] {0.5, 0.9, 0.99, 1.0}) {
      long exact = values[(int) Math.ceil(q * values.length) - 1];
      assertThat(d.latency().percentileMs(q)).as("seed %d q %s", seed, q).isEqualTo(exact);
    }
    assertThat(Arrays.stream(d.latencyBins()).sum()).isEqualTo(values.length);
  }

  @Test
  void learnedRatesAreKeptPerSpaceForAFewSpaces() {
    rec.rateChanged("s1", 5);
    now.set(S);
    rec.rateChanged("s1", 2.5);
    rec.rateChanged("s2", 8);
    for (int i = 0; i < ReportRecorder.MAX_RATE_SPACES + 3; i++) {
      rec.rateChanged("more-" + i, 1);
    }
    ReportData d = rec.data();
    assertThat(d.rateSpaces()).hasSize(ReportRecorder.MAX_RATE_SPACES).startsWith("s1", "s2");
    assertThat(d.timeline().carried(ReportRecorder.RATE)).containsExactly(5.0, 2.5);
    assertThat(d.timeline().carried(ReportRecorder.RATE + 1)[1]).isEqualTo(8.0);
  }

  @Test
  void onlyTheFirstStopCountsWithItsTime() {
    now.set(3 * S);
    rec.stopped("QUOTA_EXCEEDED", "quota reached");
    now.set(4 * S);
    rec.stopped("STOP_REQUESTED", "SIGTERM");
    assertThat(rec.data().stop()).isEqualTo(new ReportRecorder.Stop("QUOTA_EXCEEDED", "quota reached", 3.0));
  }

  /**
   * Constant memory: a million items (each with its call's start and end, a retry for one in ten,
   * and its end: about three million events) make a report of the same size as a hundred items over
   * the same hundred seconds, give or take the digits of bigger counts. What is held and drawn is
   * bounded by the seconds (one bucket each, then wider ones), the spaces and the codes, never by
   * the items; a quiet second costs less than a busy one, so a run never outgrows a busy run of
   * the same length.
   */
  @Test
  void aMillionItemsMakeAReportOfTheSameSizeAsAHundredOverTheSameSeconds() {
    String hundred = reportOf(100, 100, null);
    ReportRecorder[] held = new ReportRecorder[1];
    String million = reportOf(1_000_000, 100, held);
    assertThat((double) million.length()).as("%d vs %d characters", million.length(), hundred.length())
        .isBetween(hundred.length() * 0.8, hundred.length() * 1.25);
    ReportData d = held[0].data();
    assertThat(d.timeline().buckets()).isBetween(100, 101);
    assertThat(d.bySpace()).hasSize(2);
    assertThat(d.errors()).hasSize(1);
    assertThat(d.answers()).hasSize(2);
    assertThat(d.items()).isEqualTo(1_000_000);

    // ten hours: no more buckets than the timeline holds, 32 s each, and a million items still
    // make the page of a hundred thousand
    String tenHours = reportOf(100_000, 36_000, null);
    String tenHoursMillion = reportOf(1_000_000, 36_000, held);
    assertThat(held[0].data().timeline().buckets()).isLessThanOrEqualTo(Timeline.DEFAULT_CAPACITY);
    assertThat(held[0].data().timeline().bucketSeconds()).isEqualTo(32.0);
    assertThat((double) tenHoursMillion.length()).isBetween(tenHours.length() * 0.8, tenHours.length() * 1.25);
  }

  private static String reportOf(int items, int seconds, ReportRecorder[] held) {
    AtomicLong clock = new AtomicLong();
    ReportRecorder r = new ReportRecorder(clock::get);
    Random random = new Random(items);
    List<String> spaces = List.of("3f6c2a1e-8b4d-4c7a-9e2f-1a5b6c7d8e9f", "a9e8d7c6-b5a4-4932-8f1e-0d2c3b4a5f6e");
    long step = seconds * S / items;
    for (int i = 0; i < items; i++) {
      clock.addAndGet(step);
      r.callStarted(1 + random.nextInt(8));
      boolean ok = random.nextInt(10) > 0;
      r.callEnded(ok ? CallEnd.SUCCEEDED : CallEnd.RETRYABLE, ok ? 201 : 503, ok ? null : "server.unavailable",
          ok ? null : RetryCause.SERVER_5XX, Duration.ofMillis(50 + random.nextInt(400)));
      if (!ok) {
        r.retryScheduled(RetryCause.SERVER_5XX);
      }
      r.item(item("k", spaces.get(i % 2), ok ? Outcome.CREATED : Outcome.FAILED, ok ? null : "server.unavailable",
          ok ? null : "503 Service Unavailable (requestId req_1)", 1, 50 + random.nextInt(4000)));
    }
    if (held != null) {
      held[0] = r;
    }
    ReportPage page = new ReportPage("Provisioning run", "create calls", Instant.EPOCH, Duration.ofSeconds(seconds), 2,
        "some items failed", List.of(), List.of(), 10.0, 8, "provisioner test");
    return HtmlReport.render(page, r.data(), s -> s);
  }
}
