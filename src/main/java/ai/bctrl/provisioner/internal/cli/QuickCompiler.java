package ai.bctrl.provisioner.internal.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * Keeps the executable's JVM on its quick compiler (C1), as {@code -XX:TieredStopAtLevel=1} does
 * for {@code bin/provisioner}, where {@code java -jar} leaves no room for JVM options: it adds a
 * compiler directive that excludes every method from the optimising compiler (C2), through the
 * JVM's diagnostic-command bean ({@code jcmd Compiler.directives_add}). A provisioner waits on the
 * network; the optimising compiler's work cost up to half of a run's CPU on two cores, and competed
 * with the run for them in its first seconds (bench/run, docs/performance.md). Methods that were
 * profiled for it are compiled again by the quick compiler.
 *
 * <p>For the executable only, never the library: a host application's JIT is its own. {@code
 * PROVISIONER_JIT=full} (environment or system property) keeps the optimising compiler; so does a
 * JVM without the bean. It costs some 150 ms of CPU (the management beans), on a thread of its own
 * from the start: added later, it leaves the optimising compiler more to do, to no one's gain.
 */
final class QuickCompiler {
  static final String DIRECTIVE = "[{match: \"*.*\", c2: {Exclude: true}}]";

  private QuickCompiler() {}

  /** Whether the optimising compiler is to be left alone: PROVISIONER_JIT=full, or quick already. */
  static boolean keepFull(String setting) {
    return setting != null && (setting.equalsIgnoreCase("full") || setting.equalsIgnoreCase("quick-already"));
  }

  /** Adds the directive; any failure leaves the compilers as they are. Blocking, for a daemon thread. */
  static void limit() {
    if (keepFull(System.getProperty("PROVISIONER_JIT", System.getenv("PROVISIONER_JIT")))) {
      return;
    }
    Path file = null;
    try {
      file = Files.createTempFile("provisioner-jit-", ".json");
      Files.writeString(file, DIRECTIVE);
      ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
          new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
    } catch (Exception | LinkageError e) {
      // no bean, no temporary file: the JVM keeps both compilers
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (Exception e) {
          // a temporary file of a few bytes
        }
      }
    }
  }
}
