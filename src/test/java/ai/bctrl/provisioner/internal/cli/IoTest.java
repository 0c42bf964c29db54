package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoTest {
  @TempDir Path dir;

  @Test
  void standardErrorOnATtyIsATerminalWhateverStandardInputAndOutputAre() throws IOException {
    assertThat(Io.stderrIsTerminal(Files.createSymbolicLink(dir.resolve("pts"), Path.of("/dev/pts/3")), false))
        .isTrue();
    assertThat(Io.stderrIsTerminal(Files.createSymbolicLink(dir.resolve("tty"), Path.of("/dev/tty1")), false))
        .isTrue();
  }

  @Test
  void standardErrorRedirectedToAFileOrPipeIsNotATerminalEvenFromOne() throws IOException {
    assertThat(Io.stderrIsTerminal(Files.createSymbolicLink(dir.resolve("log"), dir.resolve("run.log")), true))
        .isFalse();
    assertThat(Io.stderrIsTerminal(Files.createSymbolicLink(dir.resolve("pipe"), Path.of("pipe:[12345]")), true))
        .isFalse();
    assertThat(Io.stderrIsTerminal(Files.createSymbolicLink(dir.resolve("null"), Path.of("/dev/null")), true))
        .isFalse();
  }

  @Test
  void withoutAReadableLinkTheFallbackDecides() {
    assertThat(Io.stderrIsTerminal(dir.resolve("missing"), true)).isTrue();
    assertThat(Io.stderrIsTerminal(dir.resolve("missing"), false)).isFalse();
  }
}
