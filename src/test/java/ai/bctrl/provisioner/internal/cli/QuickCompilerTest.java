package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directive is one this JVM takes, and PROVISIONER_JIT=full keeps the optimising compiler. */
class QuickCompilerTest {
  @Test
  void theDirectiveIsOneTheJvmAccepts(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("directive.json"), QuickCompiler.DIRECTIVE);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + file,
        "-XX:+CompilerDirectivesPrint", "-version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("*.*");
  }

  @Test
  void keepsTheOptimisingCompilerWhenAskedOrWhenTheLauncherHasSetTheJvmUp() {
    assertThat(QuickCompiler.keepFull(null)).isFalse();
    assertThat(QuickCompiler.keepFull("quick")).isFalse();
    assertThat(QuickCompiler.keepFull("full")).isTrue();
    assertThat(QuickCompiler.keepFull("FULL")).isTrue();
    assertThat(QuickCompiler.keepFull("quick-already")).isTrue();
  }
}
