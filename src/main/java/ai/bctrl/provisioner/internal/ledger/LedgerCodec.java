package ai.bctrl.provisioner.internal.ledger;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.io.CharArrayWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SequenceWriter;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.ser.std.StdSerializer;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;
import tools.jackson.dataformat.csv.CsvSchema;
import tools.jackson.dataformat.csv.CsvWriteFeature;

/**
 * Turns one {@link ItemResult} into one ledger line and back. Every record is exactly one physical
 * line: line breaks inside values are replaced by spaces, so a line cut by a crash is recognisable
 * as the only line without its trailing newline.
 *
 * <p>CSV goes through Jackson CSV: one {@link ObjectWriter} built once from the schema of {@link
 * LedgerFormat#COLUMNS} and one {@link ObjectReader}, both shared (they are immutable and
 * thread-safe). A cell is quoted only when it must be (a comma, a quote, or a space or control
 * character at either end) and quotes inside it are doubled, as RFC 4180 has it, much as the
 * earlier hand-written codec did; ledgers it wrote read the same. {@code null} is an empty cell and an empty string is {@code ""}, so the
 * two stay apart; Jackson skips its empty-string quoting once quoting is strict, so {@link
 * CsvRowSerializer} writes that {@code ""} itself. A row is read as an array of its cells, so that
 * the column count is checked here, with a one-line reason.
 */
final class LedgerCodec {
  static final String CSV_HEADER = String.join(",", LedgerFormat.COLUMNS);

  /** The ledger's columns in order, no header (the writer writes it once, on a new file). */
  private static final CsvSchema CSV_SCHEMA = csvSchema();

  private static final CsvMapper CSV = CsvMapper.builder()
      // quote a cell only for a separator, a quote or a line break, not for any character below ','
      .enable(CsvWriteFeature.STRICT_CHECK_FOR_QUOTING)
      .enable(CsvWriteFeature.QUOTE_STRINGS_WITH_LEADING_TRAILING_WHITESPACE)
      .enable(CsvReadFeature.EMPTY_UNQUOTED_STRING_AS_NULL)
      .addModule(new SimpleModule("ledger-csv").addSerializer(ItemResult.class, new CsvRowSerializer()))
      .build();
  private static final ObjectWriter CSV_WRITER = CSV.writerFor(ItemResult.class).with(CSV_SCHEMA);
  /** Without a schema a row reads as an array of its cells. */
  private static final ObjectReader CSV_READER =
      CSV.readerFor(String[].class).with(CsvSchema.emptySchema());

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final ObjectWriter JSON_WRITER = JSON.writer();

  private static final byte[] CSV_HEADER_BYTES = (CSV_HEADER + "\n").getBytes(StandardCharsets.UTF_8);
  private static final byte[] NO_BYTES = new byte[0];

  private final LedgerFormat format;
  /** This codec's CSV rows go through one sequence writer into one buffer, both reused. */
  private CharArrayWriter csvBuffer;
  private SequenceWriter csvRows;

  LedgerCodec(LedgerFormat format) {
    this.format = format;
  }

  LedgerFormat format() {
    return format;
  }

  /** The first line a new file gets, with its newline, as UTF-8; empty when the format has none. */
  byte[] header() {
    return format == LedgerFormat.CSV ? CSV_HEADER_BYTES.clone() : NO_BYTES;
  }

  /**
   * The record as one UTF-8 line, ending in {@code \n}. A CSV codec reuses one Jackson sequence
   * writer and its buffer for every record (cheaper than a fresh generator per record), so calls
   * are serialised on this codec.
   */
  synchronized byte[] encode(ItemResult r) {
    if (format == LedgerFormat.CSV) {
      if (csvRows == null) {
        csvBuffer = new CharArrayWriter(256);
        csvRows = CSV_WRITER.writeValues(csvBuffer);
      }
      try {
        csvRows.write(r).flush();
        return csvBuffer.toString().getBytes(StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        csvRows = null; // it may hold half a row: the next record starts on a fresh one
        throw e;
      } finally {
        csvBuffer.reset();
      }
    }
    ObjectNode node = JSON.createObjectNode();
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
    byte[] json = JSON_WRITER.writeValueAsBytes(node);
    byte[] line = Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n';
    return line;
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
    List<String> v = format == LedgerFormat.CSV ? parseCsv(line) : parseJson(line);
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

  /** Parses one CSV record; an unquoted empty cell is null, a quoted empty cell is "". */
  static List<String> parseCsv(String line) {
    try {
      String[] cells = CSV_READER.readValue(line);
      return cells == null ? List.of() : Arrays.asList(cells);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where = at == null || at.getColumnNr() < 1 ? "" : " at column " + at.getColumnNr();
      throw new IllegalArgumentException("not a CSV record" + where + ": " + firstLine(e.getOriginalMessage()));
    }
  }

  private static List<String> parseJson(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    List<String> v = new ArrayList<>(LedgerFormat.COLUMNS.size());
    for (String column : LedgerFormat.COLUMNS) {
      JsonNode f = node.get(column);
      v.add(f == null || f.isNull() ? null : f.asString());
    }
    return v;
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

  static String oneLine(String s) {
    if (s == null) {
      return null;
    }
    if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return s.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ');
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "malformed";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  private static CsvSchema csvSchema() {
    CsvSchema.Builder b = CsvSchema.builder();
    for (String column : LedgerFormat.COLUMNS) {
      b.addColumn(column);
    }
    return b.build().withoutHeader().withLineSeparator("\n");
  }

  /**
   * Writes a result as one CSV row in {@link LedgerFormat#COLUMNS} order, straight to the
   * generator (no intermediate map or array).
   */
  private static final class CsvRowSerializer extends StdSerializer<ItemResult> {
    CsvRowSerializer() {
      super(ItemResult.class);
    }

    @Override
    public void serialize(ItemResult r, JsonGenerator g, SerializationContext ctx) {
      g.writeStartArray();
      text(g, oneLine(r.key()));
      g.writeNumber(r.line());
      text(g, oneLine(r.spaceId()));
      text(g, oneLine(r.name()));
      g.writeString(r.outcome().wire());
      text(g, oneLine(r.runtimeId()));
      text(g, r.status() == null ? null : r.status().wire());
      if (r.httpStatus() == null) {
        g.writeNull();
      } else {
        g.writeNumber(r.httpStatus().intValue());
      }
      text(g, oneLine(r.errorCode()));
      text(g, oneLine(r.error()));
      g.writeNumber(r.attempts());
      g.writeNumber(r.latencyMs());
      text(g, r.finishedAt() == null ? null : r.finishedAt().toString());
      g.writeEndArray();
    }

    /** null: an empty cell; "": a quoted empty cell, written raw since strict quoting skips it. */
    private static void text(JsonGenerator g, String s) {
      if (s == null) {
        g.writeNull();
      } else if (s.isEmpty()) {
        g.writeRawValue("\"\"");
      } else {
        g.writeString(s);
      }
    }
  }
}
