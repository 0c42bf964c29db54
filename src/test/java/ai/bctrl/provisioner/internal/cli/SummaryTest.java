package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SummaryTest {
  static ItemResult r(Outcome o, int attempts, long latency) {
    return new ItemResult("k", 1, "s", null, o, null, null, null, null, null, attempts, latency, Instant.EPOCH);
  }

  @Test
  void percentilesUseTheNearestRank() {
    Summary s = new Summary();
    for (int i = 100; i >= 1; i--) {
      s.add(r(Outcome.CREATED, 1, i * 10L));
    }
    assertThat(s.percentile(50)).isEqualTo(500);
    assertThat(s.percentile(90)).isEqualTo(900);
    assertThat(s.percentile(99)).isEqualTo(990);
    assertThat(s.percentile(100)).isEqualTo(1000);
  }

  @Test
  void itemsWithoutCallsDoNotCountTowardsLatency() {
    Summary s = new Summary();
    s.add(r(Outcome.INVALID, 0, 0));
    assertThat(s.percentile(50)).isEqualTo(-1);
    s.add(r(Outcome.FAILED, 3, 70));
    assertThat(s.percentile(50)).isEqualTo(70);
  }

  @Test
  void rendersCountsRetriesRateLatencyAndWallTime() {
    Summary s = new Summary();
    s.add(r(Outcome.CREATED, 1, 100));
    s.add(r(Outcome.CREATED, 2, 300));
    s.add(r(Outcome.FAILED, 5, 900));
    s.skippedDone();
    s.retries(new Summary.Retries(1, 2, 3, 4, 0));
    s.finish(Duration.ofSeconds(2), null, 2);
    assertThat(s.render()).isEqualTo(
        "summary:\n"
            + "  items      2 created, 0 adopted, 0 unhealthy, 1 failed, 0 invalid, 0 unknown, 0 aborted; 1 already done\n"
            + "  attempts   8 (retries: 1 after 429, 2 after 5xx, 3 after timeout, 4 after reset)\n"
            + "  rate       1.0 creates/s\n"
            + "  latency    p50 300ms, p90 900ms, p99 900ms, max 900ms\n"
            + "  wall time  2s\n"
            + "  exit code  2\n");
    assertThat(s.json())
        .contains("\"created\" : 2")
        .contains("\"rateLimited429\" : 1")
        .contains("\"p50\" : 300")
        .contains("\"createsPerSecond\" : 1.0")
        .contains("\"wallTimeMs\" : 2000")
        .contains("\"exitCode\" : 2");
  }

  @Test
  void withALearnedRateShowsEachSpacesSettledLowestAndHighestRateAnd429s() {
    Summary s = new Summary();
    s.add(r(Outcome.CREATED, 1, 100));
    s.learnedRates(java.util.List.of(new Summary.LearnedRate("sp_a", 38.64, 10, 49.6, 2000, 12),
        new Summary.LearnedRate("sp_b", 5, 2.5, 10, 40, 0)));
    s.finish(Duration.ofSeconds(1), null, 0);
    assertThat(s.render()).contains("  rate       1.0 creates/s\n"
        + "  learned    sp_a: settled at 38.6/s (lowest 10.0, highest 49.6); 12 of 2000 calls answered 429 (0.6%)\n"
        + "             sp_b: settled at 5.0/s (lowest 2.5, highest 10.0); 0 of 40 calls answered 429 (0.0%)\n"
        + "  latency ");
    assertThat(s.json()).contains("\"learnedRates\" : [ {\n"
        + "    \"spaceId\" : \"sp_a\",\n"
        + "    \"settledPerSecond\" : 38.64,\n"
        + "    \"lowestPerSecond\" : 10.0,\n"
        + "    \"highestPerSecond\" : 49.6,\n"
        + "    \"calls\" : 2000,\n"
        + "    \"rateLimited429\" : 12,\n"
        + "    \"rateLimitedShare\" : 0.006\n"
        + "  }, {");
  }

  @Test
  void aFixedRateHasNoLearnedRates() {
    Summary s = new Summary();
    assertThat(s.render()).doesNotContain("learned");
    assertThat(s.json()).contains("\"learnedRates\" : null");
    Summary one = new Summary();
    one.learnedRates(java.util.List.of(new Summary.LearnedRate("sp_a", 20, 10, 40, 100, 1)));
    assertThat(one.render()).contains("  learned    settled at 20.0/s (lowest 10.0, highest 40.0); 1 of 100 calls");
  }

  static ItemResult failing(Outcome o, String code, String error) {
    return new ItemResult("k", 1, "s", null, o, null, null, null, code, error, 0, 0, Instant.EPOCH);
  }

  @Test
  void namesTheErrorsOfItemsNotDoneByCodeWithACountAndTheFirstMessage() {
    // a base URL where nothing answers ends every item unknown: the summary must say why
    Summary s = new Summary();
    for (int i = 0; i < 3; i++) {
      s.add(failing(Outcome.UNKNOWN, "provisioner.unsettled",
          "listing space s failed 5 times, last: could not connect: Connection refused " + i));
    }
    s.add(failing(Outcome.FAILED, "request.invalid", "Invalid request (requestId req_1)"));
    s.add(failing(Outcome.INVALID, "provisioner.invalid_row", "told on its own line as it was read"));
    s.add(failing(Outcome.ABORTED, "provisioner.aborted", "told by the stopped line"));
    s.finish(Duration.ofSeconds(1), null, 2);
    assertThat(s.render()).contains("  wall time  1s\n"
        + "  errors     3 provisioner.unsettled, first: listing space s failed 5 times, last: could not connect: "
        + "Connection refused 0\n"
        + "             1 request.invalid, first: Invalid request (requestId req_1)\n"
        + "  exit code  2\n");
    assertThat(s.render()).doesNotContain("invalid_row").doesNotContain("provisioner.aborted");
  }

  @Test
  void showsTheThreeCommonestErrorCodesAndSaysWhereTheRestAre() {
    Summary s = new Summary();
    for (int c = 1; c <= 5; c++) {
      for (int i = 0; i < c; i++) {
        s.add(failing(Outcome.FAILED, "code." + c, "message " + c));
      }
    }
    s.add(r(Outcome.FAILED, 1, 10)); // no code: nothing to show
    assertThat(s.render()).contains("  errors     5 code.5, first: message 5\n"
        + "             4 code.4, first: message 4\n"
        + "             3 code.3, first: message 3\n"
        + "             and 3 more items with 2 other codes; each item's error is in the ledger\n");
  }

  @Test
  void aRunWithoutErrorsHasNoErrorsLine() {
    Summary s = new Summary();
    s.add(r(Outcome.CREATED, 1, 100));
    assertThat(s.render()).doesNotContain("errors");
  }
}
