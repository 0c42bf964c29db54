package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.ItemResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which runtimes a ledger gives a teardown, by each key's last record, and the plan it prints. */
class TeardownTargetsTest {
  @TempDir Path dir;
  Path ledger;

  @BeforeEach
  void aLedgerWithEveryOutcome() throws IOException {
    ledger = Files.writeString(dir.resolve("m.ledger.csv"), """
        key,line,spaceId,name,outcome,runtimeId,status,httpStatus,errorCode,error,attempts,latencyMs,finishedAt
        created,2,space-a,,created,rt_1,active,201,,,1,10,2026-12-01T00:00:00Z
        adopted,3,space-a,,adopted,rt_2,active,200,,,1,10,2026-12-01T00:00:00Z
        unhealthy,4,space-b,,unhealthy,rt_3,failed,201,,,1,10,2026-12-01T00:00:00Z
        stopped,5,space-b,,stopped,rt_4,stopped,200,,,1,10,2026-12-01T00:00:00Z
        torn,6,space-a,,created,rt_5,active,201,,,1,10,2026-12-01T00:00:00Z
        torn,6,space-a,,stopped,rt_5,stopped,200,,,1,10,2026-12-01T00:01:00Z
        torn,6,space-a,,deleted,rt_5,,200,,,1,10,2026-12-01T00:02:00Z
        again,7,space-a,,deleted,rt_6,,200,,,1,10,2026-12-01T00:02:00Z
        again,7,space-a,,created,rt_7,active,201,,,1,10,2026-12-02T00:00:00Z
        unknown,8,space-c,,unknown,,,,provisioner.unsettled,lost,1,10,2026-12-01T00:00:00Z
        aborted,9,space-c,,aborted,,,,,,1,10,2026-12-01T00:00:00Z
        failed,10,space-a,,failed,,,400,runtime.invalid,bad,1,10,2026-12-01T00:00:00Z
        invalid,11,space-a,,invalid,,,,manifest.invalid,bad,0,0,2026-12-01T00:00:00Z
        """);
  }

  @Test
  void takesEachKeyLastHoldingARuntimeThenTheKeysToLookForAndNothingElse() {
    TeardownTargets t = TeardownTargets.read(ledger, false, false);

    assertThat(t.items().map(r -> r.key() + "=" + r.runtimeId()).collectList().block())
        .containsExactly("created=rt_1", "adopted=rt_2", "unhealthy=rt_3", "stopped=rt_4", "again=rt_7",
            "unknown=null", "aborted=null");
    assertThat(t.total()).isEqualTo(7);
    assertThat(t.toLookFor()).isEqualTo(2);
    assertThat(t.plan("m.ledger.csv", false)).isEqualTo("""
        teardown plan for m.ledger.csv: 5 runtimes to stop and delete, in 2 spaces
          by space and status:
            3  space-a  active
            1  space-b  failed
            1  space-b  stopped
          2 keys left unknown or aborted, in 1 space: each space is listed, and the runtimes found with those keys\
         are stopped and deleted too:
            2  space-c
          nothing to do for: 1 already deleted, 2 never created (failed or invalid)
        """);
  }

  @Test
  void keepStoppedLeavesStoppedKeysAloneAndNoListTheKeysToLookFor() {
    TeardownTargets t = TeardownTargets.read(ledger, true, true);

    assertThat(t.items().map(ItemResult::key).collectList().block())
        .containsExactly("created", "adopted", "unhealthy", "again");
    assertThat(t.notLookedFor()).isEqualTo(2);
    assertThat(t.plan("m.ledger.csv", true)).isEqualTo("""
        teardown plan for m.ledger.csv: 4 runtimes to stop (and keep stopped), in 2 spaces
          by space and status:
            3  space-a  active
            1  space-b  failed
          2 keys left unknown or aborted are not looked for (--no-list): if their runtimes exist, find them in\
         their spaces by hand
          nothing to do for: 1 already deleted, 1 already stopped, 2 never created (failed or invalid)
        """);
  }

  @Test
  void aLedgerWithNothingToTearDownSaysSo() throws IOException {
    Files.writeString(ledger, Files.readAllLines(ledger).get(0) + "\n"
        + "gone,2,space-a,,deleted,rt_1,,200,,,1,10,2026-12-01T00:00:00Z\n");
    TeardownTargets t = TeardownTargets.read(ledger, false, false);

    assertThat(t.total()).isZero();
    assertThat(t.plan("m.ledger.csv", false))
        .isEqualTo("teardown plan for m.ledger.csv: nothing to tear down\n  nothing to do for: 1 already deleted\n");
  }
}
