package ai.bctrl.provisioner.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every shell script under jobs/ parses, is executable and is shellcheck-clean. */
class ShellScriptsTest {

  static List<Path> scripts() throws IOException {
    try (Stream<Path> files = Files.walk(Tools.JOBS)) {
      return files.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
    }
  }

  @Test
  void theWrapperIsAmongTheScripts() throws IOException {
    assertThat(scripts()).contains(Tools.JOBS.resolve("nightly.sh"));
  }

  @Test
  void everyScriptParsesWithBash() throws IOException {
    for (Path script : scripts()) {
      Tools.Output out = Tools.run(List.of("bash", "-n", script.toString()), Tools.JOBS);
      assertThat(out.exitCode()).as("bash -n %s: %s", script, out.text()).isZero();
    }
  }

  @Test
  void everyScriptIsExecutableAndStartsWithAShebang() throws IOException {
    for (Path script : scripts()) {
      assertThat(Files.isExecutable(script)).as("%s is executable", script).isTrue();
      assertThat(Files.readAllLines(script).get(0)).as(script.toString()).isEqualTo("#!/usr/bin/env bash");
    }
  }

  @Test
  void everyScriptPassesShellcheck() throws IOException {
    Tools.require("shellcheck");
    for (Path script : scripts()) {
      Tools.Output out = Tools.run(List.of("shellcheck", "--shell=bash", "--severity=style", script.toString()), Tools.JOBS);
      assertThat(out.exitCode()).as("shellcheck %s:%n%s", script, out.text()).isZero();
    }
  }

  @Test
  void shellcheckWouldCatchAnUnquotedExpansion() throws IOException {
    Tools.require("shellcheck");
    Path bad = Files.createTempFile("unquoted", ".sh");
    try {
      Files.writeString(bad, "#!/usr/bin/env bash\nf=$1\nrm $f\n");
      Tools.Output out = Tools.run(List.of("shellcheck", "--shell=bash", bad.toString()), Tools.JOBS);
      assertThat(out.exitCode()).isNotZero();
      assertThat(out.text()).contains("SC2086");
    } finally {
      Files.delete(bad);
    }
  }
}
