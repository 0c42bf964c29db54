package ai.bctrl.provisioner.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * The outside world of one invocation: streams, environment, working directory, and whether
 * standard error is a terminal, and whether a run that cannot stop may halt the JVM (only the real
 * process). Injected so the CLI runs in-process in tests.
 */
record Io(
    PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, Path workDir, boolean terminal,
    boolean mayHalt) {

  /** An in-process invocation (tests): never halts the JVM. */
  Io(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, Path workDir, boolean terminal) {
    this(out, err, in, env, workDir, terminal, false);
  }

  static Io system() {
    return new Io(
        new PrintWriter(System.out, true),
        new PrintWriter(System.err, true),
        System.in,
        System.getenv(),
        Path.of("").toAbsolutePath(),
        System.console() != null,
        true);
  }

  /** Whether stack traces are wanted: env {@code PROVISIONER_DEBUG} is set to anything but 0/false. */
  boolean debug() {
    String v = env.get("PROVISIONER_DEBUG");
    return v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false");
  }
}
