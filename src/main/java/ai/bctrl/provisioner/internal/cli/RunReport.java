package ai.bctrl.provisioner.internal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * The end of a run: prints the {@link Summary} on standard error and, with {@code --summary},
 * writes it as JSON (a new file owner-only). A file that cannot be written is told in one line and
 * does not change the exit code: the summary printed is complete. Blocking file I/O: call it from
 * {@code main}'s thread once the run has ended.
 */
final class RunReport {
  private RunReport() {}

  static void print(Summary summary, Io io, Path summaryFile) {
    print(summary.render(), summary::json, io, summaryFile);
  }

  /** The same for a summary of another shape (teardown's): {@code text} on standard error, {@code json} to the file. */
  static void print(String text, Supplier<String> json, Io io, Path summaryFile) {
    io.err().print(text);
    if (summaryFile != null) {
      write(json.get(), io, summaryFile);
    }
    io.err().flush();
  }

  private static void write(String json, Io io, Path p) {
    try {
      if (!Files.exists(p) && p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(p, json, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (IOException e) {
      io.err().println("provisioner: cannot write --summary " + p + " (" + e.getClass().getSimpleName()
          + "); the summary above is complete");
    }
  }
}
