package ai.bctrl.provisioner.internal.ledger;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one {@link ItemResult} into one ledger line and back. Every record is exactly one physical
 * line: line breaks inside values are replaced by spaces, so a line cut by a crash is recognisable
 * as the only line without its trailing newline.
 */
final class LedgerCodec {
  static final String CSV_HEADER = String.join(",", LedgerFormat.COLUMNS);

  private final LedgerFormat format;
  private final JsonMapper json = JsonMapper.builder().build();

  LedgerCodec(LedgerFormat format) {
    this.format = format;
  }

  LedgerFormat format() {
    return format;
  }

  /** The first line a new file gets, with its newline, or "" when the format has none. */
  String header() {
    return format == LedgerFormat.CSV ? CSV_HEADER + "\n" : "";
  }

  /** The record as one line, ending in {@code \n}. */
  String encode(ItemResult r) {
    List<String> v = values(r);
    if (format == LedgerFormat.CSV) {
      StringBuilder sb = new StringBuilder(128);
      for (int i = 0; i < v.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        appendCsv(sb, v.get(i));
      }
      return sb.append('\n').toString();
    }
    ObjectNode node = json.createObjectNode();
    node.put("key", oneLine(r.key()));
    node.put("line", r.line());
    node.put("spaceId", oneLine(r.spaceId()));
    node.put("name", oneLine(r.name()));
    node.put("outcome", r.outcome().wire());
    node.put("runtimeId", oneLine(r.runtimeId()));
    node.put("status", r.status() == null ? null : r.status().wire());
    if (r.httpStatus() == null) {
      node.putNull("httpStatus");
    } else {
      node.put("httpStatus", r.httpStatus().intValue());
    }
    node.put("errorCode", oneLine(r.errorCode()));
    node.put("error", oneLine(r.error()));
    node.put("attempts", r.attempts());
    node.put("latencyMs", r.latencyMs());
    node.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
    return json.writeValueAsString(node) + "\n";
  }

  /** Whether {@code line} (without newline) is this format's header line. */
  boolean isHeader(String line) {
    return format == LedgerFormat.CSV && stripBom(line).equals(CSV_HEADER);
  }

  /**
   * Parses one line (without its newline).
   *
   * @throws IllegalArgumentException with a one-line reason when the line is not a record
   */
  ItemResult decode(String line) {
    List<String> v;
    if (format == LedgerFormat.CSV) {
      v = parseCsv(line);
    } else {
      JsonNode node;
      try {
        node = json.readTree(line);
      } catch (JacksonException e) {
        throw new IllegalArgumentException("not a JSON object");
      }
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      v = new ArrayList<>(LedgerFormat.COLUMNS.size());
      for (String column : LedgerFormat.COLUMNS) {
        JsonNode f = node.get(column);
        v.add(f == null || f.isNull() ? null : f.asString());
      }
    }
    if (v.size() != LedgerFormat.COLUMNS.size()) {
      throw new IllegalArgumentException(
          "expected " + LedgerFormat.COLUMNS.size() + " columns but found " + v.size());
    }
    String key = v.get(0);
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key is empty");
    }
    Outcome outcome;
    try {
      outcome = Outcome.of(v.get(4));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("outcome: " + e.getMessage());
    }
    return new ItemResult(
        key,
        parseLong(v.get(1), "line"),
        v.get(2),
        v.get(3),
        outcome,
        v.get(5),
        v.get(6) == null ? null : status(v.get(6)),
        v.get(7) == null ? null : (int) parseLong(v.get(7), "httpStatus"),
        v.get(8),
        v.get(9),
        (int) parseLong(v.get(10), "attempts"),
        parseLong(v.get(11), "latencyMs"),
        v.get(12) == null ? null : instant(v.get(12)));
  }

  private static RuntimeStatus status(String s) {
    try {
      return RuntimeStatus.of(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("status: " + e.getMessage());
    }
  }

  private static Instant instant(String s) {
    try {
      return Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("finishedAt: not an ISO-8601 instant: \"" + s + "\"");
    }
  }

  private static long parseLong(String s, String column) {
    if (s == null) {
      return 0;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + ": not an integer: \"" + s + "\"");
    }
  }

  private static List<String> values(ItemResult r) {
    List<String> v = new ArrayList<>(13);
    v.add(oneLine(r.key()));
    v.add(Long.toString(r.line()));
    v.add(oneLine(r.spaceId()));
    v.add(oneLine(r.name()));
    v.add(r.outcome().wire());
    v.add(oneLine(r.runtimeId()));
    v.add(r.status() == null ? null : r.status().wire());
    v.add(r.httpStatus() == null ? null : r.httpStatus().toString());
    v.add(oneLine(r.errorCode()));
    v.add(oneLine(r.error()));
    v.add(Integer.toString(r.attempts()));
    v.add(Long.toString(r.latencyMs()));
    v.add(r.finishedAt() == null ? null : r.finishedAt().toString());
    return v;
  }

  static String oneLine(String s) {
    if (s == null) {
      return null;
    }
    if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return s.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ');
  }

  /** CSV: null is an empty cell; an empty string is {@code ""} so the two stay apart. */
  private static void appendCsv(StringBuilder sb, String value) {
    if (value == null) {
      return;
    }
    boolean quote =
        value.isEmpty()
            || value.indexOf(',') >= 0
            || value.indexOf('"') >= 0
            || value.indexOf('\n') >= 0
            || value.indexOf('\r') >= 0
            || Character.isWhitespace(value.charAt(0))
            || Character.isWhitespace(value.charAt(value.length() - 1));
    if (!quote) {
      sb.append(value);
      return;
    }
    sb.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        sb.append('"');
      }
      sb.append(c);
    }
    sb.append('"');
  }

  /** Parses one CSV record; an unquoted empty cell is null, a quoted empty cell is "". */
  static List<String> parseCsv(String line) {
    List<String> out = new ArrayList<>(13);
    int i = 0;
    int n = line.length();
    while (true) {
      if (i < n && line.charAt(i) == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException("unclosed quote");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              sb.append('"');
              i++;
            } else {
              break;
            }
          } else {
            sb.append(c);
          }
        }
        out.add(sb.toString());
        if (i == n) {
          return out;
        }
        if (line.charAt(i) != ',') {
          throw new IllegalArgumentException("text after a closing quote at column " + (i + 1));
        }
        i++;
      } else {
        int comma = line.indexOf(',', i);
        int end = comma < 0 ? n : comma;
        String cell = line.substring(i, end);
        if (cell.indexOf('"') >= 0) {
          throw new IllegalArgumentException("a quote inside an unquoted cell at column " + (i + 1));
        }
        out.add(cell.isEmpty() ? null : cell);
        if (comma < 0) {
          return out;
        }
        i = comma + 1;
      }
    }
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }
}
