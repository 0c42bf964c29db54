package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

class ProgressTest {
  @Test
  void showsDoneTotalRateInFlightRetriesAndEta() {
    assertThat(Progress.line(new Progress.Snapshot(50, 200, 8, 3), 10))
        .isEqualTo("[#####...............] 50/200  5.0/s  in flight 8  retries 3  ETA 30s");
  }

  @Test
  void showsTheLearnedRateWithRateAuto() {
    assertThat(Progress.line(new Progress.Snapshot(50, 200, 8, 3).withLearnedRate(38.64), 10))
        .isEqualTo("[#####...............] 50/200  5.0/s  in flight 8  retries 3  rate 38.6/s  ETA 30s");
  }

  @Test
  void showsAnUnknownTotalWhileTheManifestIsStillRead() {
    assertThat(Progress.line(new Progress.Snapshot(5, -1, 2, 0), 1)).isEqualTo("5/?  5.0/s  in flight 2  retries 0");
  }

  @Test
  void writesOnePlainLineEveryTenSecondsOffATerminal() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    StringWriter out = new StringWriter();
    AtomicLong done = new AtomicLong();
    Progress p = new Progress(new PrintWriter(out), false,
        () -> new Progress.Snapshot(done.get(), 100, 0, 0), vts);
    p.start();
    done.set(10);
    vts.advanceTimeBy(Duration.ofSeconds(9));
    assertThat(out.toString()).isEmpty();
    vts.advanceTimeBy(Duration.ofSeconds(11));
    p.stop();
    p.stop();
    assertThat(out.toString().lines()).as("two ticks and a last line at the end").hasSize(3)
        .allMatch(l -> l.startsWith("progress: [##"));
    vts.dispose();
  }

  @Test
  void redrawsOneLineFourTimesASecondOnATerminalAndClearsIt() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    StringWriter out = new StringWriter();
    Progress p = new Progress(new PrintWriter(out), true, () -> new Progress.Snapshot(1, 2, 1, 0), vts);
    p.start();
    vts.advanceTimeBy(Duration.ofSeconds(1));
    p.stop();
    String s = out.toString();
    assertThat(s).doesNotContain("\n");
    assertThat(s.chars().filter(c -> c == '\r').count()).isEqualTo(4 + 2);
    assertThat(s).endsWith("\r");
    vts.dispose();
  }
}
