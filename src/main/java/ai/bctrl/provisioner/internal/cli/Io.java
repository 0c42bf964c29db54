package ai.bctrl.provisioner.internal.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
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
        stderrIsTerminal(Path.of("/proc/self/fd/2"), System.console() != null),
        true);
  }

  /**
   * Whether standard error (where progress is drawn) is a terminal. {@code System.console()} only
   * tells whether standard input and output are, so {@code 2>run.log} typed at a terminal would get
   * redrawn bars in the log: on Linux the descriptor's link names a tty or not. Elsewhere, or when
   * the link cannot be read, {@code fallback}.
   */
  static boolean stderrIsTerminal(Path fdLink, boolean fallback) {
    try {
      String target = Files.readSymbolicLink(fdLink).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return fallback;
    }
  }

  /** Whether stack traces are wanted: env {@code PROVISIONER_DEBUG} is set to anything but 0/false. */
  boolean debug() {
    String v = env.get("PROVISIONER_DEBUG");
    return v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false");
  }
}
