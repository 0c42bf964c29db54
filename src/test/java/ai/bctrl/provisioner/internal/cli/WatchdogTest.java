package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
  void lastWordsThatFailDoNotKeepTheProcessFromEnding() {
    Watchdog w = new Watchdog(io, () -> 143, () -> {
      throw new IllegalStateException("disk full");
    });

    w.expire(); // in-process: returns instead of halting, and throws nothing

    assertThat(err.toString()).contains("did not stop within the grace");
  }
}
