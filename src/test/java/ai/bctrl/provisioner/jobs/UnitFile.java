package ai.bctrl.provisioner.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A systemd unit file read as sections of directives; a directive may repeat. */
record UnitFile(Map<String, Map<String, List<String>>> sections) {

  static UnitFile parse(Path file) {
    Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
    Map<String, List<String>> current = null;
    int lineNo = 0;
    for (String raw : Tools.read(file).split("\n", -1)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = sections.computeIfAbsent(line.substring(1, line.length() - 1), k -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (current == null || eq < 1 || line.endsWith("\\")) {
        throw new AssertionError(file.getFileName() + ":" + lineNo + ": not a directive in a section: " + raw);
      }
      current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
    }
    return new UnitFile(sections);
  }

  /** Every value of a directive, in order; empty when absent. */
  List<String> all(String section, String key) {
    return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
  }

  /** The last value of a directive (systemd's rule for single-valued ones); null when absent. */
  String get(String section, String key) {
    List<String> values = all(section, key);
    return values.isEmpty() ? null : values.get(values.size() - 1);
  }
}
