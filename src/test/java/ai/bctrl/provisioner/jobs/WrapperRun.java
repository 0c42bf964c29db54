package ai.bctrl.provisioner.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts {@code jobs/nightly.sh} as a child process with a controlled environment. */
final class WrapperRun {
  static final Path SCRIPT = Path.of("jobs", "nightly.sh").toAbsolutePath();

  private final Path definition;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Path logDir;

  WrapperRun(Path definition, Path logDir) {
    this.definition = definition;
    this.logDir = logDir;
    // a clean environment: nothing of the developer's (no BCTRL_API_KEY, no JAVA_HOME) leaks in
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("LANG", "C.UTF-8");
  }

  WrapperRun env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Process start() throws IOException {
    List<String> command = new ArrayList<>(ai.bctrl.provisioner.testing.DefaultSignals.prefix());
    command.addAll(List.of("bash", SCRIPT.toString(), definition.toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.redirectOutput(logDir.resolve("wrapper.out").toFile());
    pb.redirectError(logDir.resolve("wrapper.err").toFile());
    return pb.start();
  }

  Result run(Duration timeout) throws IOException, InterruptedException {
    Process p = start();
    return await(p, timeout);
  }

  Result await(Process p, Duration timeout) throws IOException, InterruptedException {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("wrapper did not end within " + timeout + "; stderr: " + stderr());
    }
    return new Result(p.exitValue(), read("wrapper.out"), stderr());
  }

  String stderr() throws IOException {
    return read("wrapper.err");
  }

  private String read(String name) throws IOException {
    Path f = logDir.resolve(name);
    return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
  }

  record Result(int exitCode, String stdout, String stderr) {}
}
