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
}
