package ai.bctrl.provisioner.internal.manifest;

import java.nio.file.Path;
import java.util.Locale;

/** How a manifest is written: a CSV table, a JSON array, or one JSON object per line. */
public enum ManifestFormat {
  CSV,
  JSON,
  JSONL;

  /**
   * Parses {@code --format}: {@code csv}, {@code json}, {@code jsonl} or {@code ndjson}, any case.
   *
   * @throws IllegalArgumentException with a one-line message naming the allowed values
   */
  public static ManifestFormat of(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "csv" -> CSV;
      case "json" -> JSON;
      case "jsonl", "ndjson" -> JSONL;
      default -> throw new IllegalArgumentException(
          "format must be csv, json or jsonl (or ndjson) but was \"" + name + "\"");
    };
  }

  /** The format named by a manifest path's extension, or {@code null} when it names none. */
  static ManifestFormat ofPath(Path path) {
    Path file = path.getFileName();
    String n = file == null ? "" : file.toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".csv")) {
      return CSV;
    }
    if (n.endsWith(".json")) {
      return JSON;
    }
    if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
      return JSONL;
    }
    return null;
  }
}
