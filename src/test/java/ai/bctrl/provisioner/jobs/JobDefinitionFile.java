package ai.bctrl.provisioner.jobs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The KEY=VALUE job definition read the way jobs/nightly.sh reads it (comments, optional quotes). */
final class JobDefinitionFile {
  private JobDefinitionFile() {}

  static Map<String, String> parse(Path file) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String raw : Tools.read(file).split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String value = line.substring(eq + 1);
      if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      values.put(line.substring(0, eq), value);
    }
    return values;
  }
}
