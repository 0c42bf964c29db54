package ai.bctrl.provisioner.testing;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command prefix that starts a child process with SIGHUP, SIGINT and SIGTERM at their default
 * dispositions. A process started in the background of a non-interactive shell (a build run with
 * {@code nohup ... &}, some CI agents) ignores SIGINT, and an ignored signal is inherited through
 * exec: bash then cannot trap it and the JVM installs no handler for it, so a test that delivers
 * SIGINT would see nothing happen. {@code env --default-signal} (GNU coreutils 8.31+) resets them;
 * where it is missing the prefix is empty and the child inherits this JVM's dispositions.
 */
public final class DefaultSignals {
  private static final List<String> PREFIX = probe();

  private DefaultSignals() {}

  /** {@code env --default-signal=HUP,INT,TERM}, or nothing where {@code env} lacks the option. */
  public static List<String> prefix() {
    return PREFIX;
  }

  private static List<String> probe() {
    List<String> prefix = List.of("env", "--default-signal=HUP,INT,TERM");
    try {
      Process p = new ProcessBuilder(concat(prefix, "true")).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? prefix : List.of();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private static List<String> concat(List<String> prefix, String command) {
    java.util.ArrayList<String> all = new java.util.ArrayList<>(prefix);
    all.add(command);
    return all;
  }
}
