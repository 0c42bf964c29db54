package ai.bctrl.provisioner.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/** Small helpers shared by the jobs/ tests: external tools, durations. */
final class Tools {
  static final Path JOBS = Path.of("jobs").toAbsolutePath();

  private Tools() {}

  /** True when {@code tool} is on the PATH. */
  static boolean available(String tool) {
    try {
      return run(List.of("bash", "-c", "command -v \"$0\"", tool), Path.of(".")).exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Skips the calling test when {@code tool} is missing, unless CI is set: CI installs every tool
   * (see .ci/run), so there a missing tool is a failure, not a skip.
   */
  static void require(String tool) {
    if (!available(tool)) {
      if (System.getenv("CI") != null) {
        throw new AssertionError(tool + " is not installed; .ci/run installs it from Debian packages");
      }
      Assumptions.abort(tool + " is not installed (set CI to make this a failure)");
    }
  }

  /** Skips the calling test when {@code tool} is missing, even on CI (for optional checks). */
  static void assumeAvailable(String tool) {
    Assumptions.assumeTrue(available(tool), tool + " is not installed; this check is skipped");
  }

  record Output(int exitCode, String text) {}

  /** Runs a command to its end (at most a minute), stdout and stderr merged. */
  static Output run(List<String> command, Path workingDir) throws IOException {
    Process p = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not end within 60s");
      }
      return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|sec|m|min|h|hr)?");

  /** Parses "30s", "15min", "6h", "250ms", or ISO-8601 "PT30S" (the CLI's and systemd's simple forms). */
  static Duration duration(String text) {
    String t = text.trim();
    if (t.startsWith("PT") || t.startsWith("pt")) {
      return Duration.parse(t);
    }
    Matcher m = SIMPLE.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s", "sec" -> Duration.ofSeconds(n);
      case "m", "min" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + p, e);
    }
  }
}
