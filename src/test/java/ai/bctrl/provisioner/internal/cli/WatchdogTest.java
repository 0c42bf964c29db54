package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the watchdog does when its countdown runs out, without its thread or its wait. */
class WatchdogTest {
  private final StringWriter err = new StringWriter();
  private final Io io = new Io(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
      new ByteArrayInputStream(new byte[0]), Map.of(), Path.of("."), false);
  private final List<String> said = new ArrayList<>();

  @Test
  void aRunThatDidNotStopGetsItsLastWordsOnceAfterTheLine() {
    Watchdog w = new Watchdog(io, () -> 143, () -> said.add("report written, after: " + err));

    w.expire();
    w.expire();

    assertThat(said).containsExactly("report written, after: provisioner: the run did not stop within the grace;"
        + " exiting now (the next run settles the calls that were in flight)\n");
  }

  @Test
  void aRunThatFinishedMeanwhileIsLeftAlone() {
    Watchdog w = new Watchdog(io, () -> 143, () -> said.add("report written"));

    w.finished();
    w.expire();

    assertThat(said).isEmpty();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  @Timeout(20)
  void lastWordsThatHangDoNotKeepTheProcessFromEnding() throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    Watchdog w = new Watchdog(io, () -> 143, () -> {
      try {
        never.await(); // a report that cannot be written: a hung disk
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, Duration.ofMillis(50));

    w.expire(); // in-process: returns (where the real process halts) once the bound has passed

    assertThat(err.toString()).contains("did not stop within the grace");
    never.countDown();
  }

  @Test
  void lastWordsThatFailDoNotKeepTheProcessFromEnding() {
    Watchdog w = new Watchdog(io, () -> 143, () -> {
      throw new IllegalStateException("disk full");
    });

    w.expire(); // in-process: returns instead of halting, and throws nothing

    assertThat(err.toString()).contains("did not stop within the grace");
  }
}
