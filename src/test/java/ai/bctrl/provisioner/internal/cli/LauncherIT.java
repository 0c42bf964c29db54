package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/provisioner}, the quick-start launcher: it behaves as {@code java -jar} does (output,
 * exit codes), writes its class-data archive on a first run, keeps it once a JVM can map it, and
 * uses it from then on.
 */
class LauncherIT {
  static final Path LAUNCHER = Path.of("bin", "provisioner").toAbsolutePath();
  static final String JAR = System.getProperty("provisioner.jar", "target/provisioner.jar");

  @TempDir Path dir;

  record Out(int code, String stdout, String stderr) {}

  private Out run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
    pb.environment().put("PROVISIONER_JAR", Path.of(JAR).toAbsolutePath().toString());
    pb.environment().put("PROVISIONER_CDS_DIR", dir.resolve("cds").toString());
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s ended", command).isTrue();
    return new Out(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  private Out launcher(String... args) throws IOException, InterruptedException {
    List<String> c = new ArrayList<>(List.of(LAUNCHER.toString()));
    c.addAll(List.of(args));
    return run(c);
  }

  private List<String> archives() throws IOException {
    Path cds = dir.resolve("cds");
    if (!Files.isDirectory(cds)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(cds)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFirstRunWritesTheArchiveTheNextStartKeepsAndUsesAndEverythingElseIsAsWithJavaJar() throws Exception {
    Files.writeString(dir.resolve("m.csv"), "key,name,count\nw,w,3\n");
    Out first = launcher("run", "--sandbox", "m.csv", "--quiet");
    assertThat(first.code()).as(first.stderr()).isZero();
    assertThat(first.stdout()).doesNotContain("[cds]").doesNotContain("warning");
    assertThat(archives()).singleElement().asString().matches("provisioner-\\d+\\.jsa\\.\\d+");

    Out version = launcher("--version");
    assertThat(version.code()).isZero();
    assertThat(version.stdout()).startsWith("provisioner ");
    assertThat(archives()).singleElement().asString().matches("provisioner-\\d+\\.jsa");

    // a usage error: the same exit code and message as the jar run with java -jar
    Out viaLauncher = launcher("run", "no-such.csv", "--concurrency", "0");
    Out viaJava = run(List.of("java", "-jar", Path.of(JAR).toAbsolutePath().toString(), "run", "no-such.csv",
        "--concurrency", "0"));
    assertThat(viaLauncher.code()).isEqualTo(viaJava.code()).isNotZero();
    assertThat(viaLauncher.stderr()).isEqualTo(viaJava.stderr());
    assertThat(viaLauncher.stdout()).isEqualTo(viaJava.stdout());
  }

  @Test
  void anArchiveNoJvmCanMapIsDroppedAndTwiceRefusedNoMoreAreWritten() throws Exception {
    Path cds = Files.createDirectories(dir.resolve("cds"));
    Files.writeString(dir.resolve("m.csv"), "key,name,count\nw,w,1\n");
    String key = archiveKey();
    for (int strike = 1; strike <= 2; strike++) {
      Files.writeString(cds.resolve("provisioner-" + key + ".jsa.999999"), "cut short by a kill -9");
      Out version = launcher("--version");
      assertThat(version.code()).as(version.stderr()).isZero();
      assertThat(version.stdout()).startsWith("provisioner ");
      assertThat(archives()).noneMatch(a -> a.contains(".jsa"));
    }
    assertThat(archives()).contains("provisioner-" + key + ".refused");

    Out run = launcher("run", "--sandbox", "m.csv", "--quiet", "--ledger", "m.ledger.csv");
    assertThat(run.code()).as(run.stderr()).isZero();
    assertThat(archives()).noneMatch(a -> a.contains(".jsa")); // refused: the run wrote none at exit
  }

  /** The archive key of the jar and java the launcher runs (PROVISIONER_CDS=path prints its archive). */
  private String archiveKey() throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString()).redirectErrorStream(true);
    pb.environment().put("PROVISIONER_JAR", Path.of(JAR).toAbsolutePath().toString());
    pb.environment().put("PROVISIONER_CDS_DIR", dir.resolve("cds").toString());
    pb.environment().put("PROVISIONER_CDS", "path");
    Process p = pb.start();
    String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(path).startsWith(dir.resolve("cds").resolve("provisioner-").toString()).endsWith(".jsa");
    String name = Path.of(path).getFileName().toString();
    return name.substring("provisioner-".length(), name.length() - ".jsa".length());
  }

  @Test
  void theLauncherIsAPlainShScriptThatShellcheckPasses() throws Exception {
    assertThat(Files.readAllLines(LAUNCHER).get(0)).isEqualTo("#!/bin/sh");
    assertThat(Files.isExecutable(LAUNCHER)).isTrue();
    Out sh = run(List.of("sh", "-n", LAUNCHER.toString()));
    assertThat(sh.code()).as(sh.stderr()).isZero();
    boolean hasShellcheck = run(List.of("sh", "-c", "command -v shellcheck")).code() == 0;
    if (!hasShellcheck && System.getenv("CI") == null) {
      Assumptions.abort("shellcheck is not installed");
    }
    Out check = run(List.of("shellcheck", "--shell=sh", "--severity=style", LAUNCHER.toString()));
    assertThat(check.code()).as(check.stdout()).isZero();
  }
}
