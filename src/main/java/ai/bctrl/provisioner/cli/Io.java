package ai.bctrl.provisioner.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * The outside world of one invocation: streams, environment, working directory, and whether
 * standard error is a terminal. Injected so the CLI runs in-process in tests.
 */
record Io(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, Path workDir, boolean terminal) {

  static Io system() {
    return new Io(
        new PrintWriter(System.out, true),
        new PrintWriter(System.err, true),
        System.in,
        System.getenv(),
        Path.of("").toAbsolutePath(),
        System.console() != null);
  }

  /** Whether stack traces are wanted: env {@code PROVISIONER_DEBUG} is set to anything but 0/false. */
  boolean debug() {
    String v = env.get("PROVISIONER_DEBUG");
    return v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false");
  }
}
