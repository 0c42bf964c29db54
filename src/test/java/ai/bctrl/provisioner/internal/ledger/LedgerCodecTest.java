package ai.bctrl.provisioner.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerCodecTest {
  @TempDir Path dir;

  /**
   * A ledger as the hand-written codec (before Jackson CSV) wrote it: quoted commas, doubled
   * quotes, empty cells (null) next to quoted empty cells (""), quoted leading and trailing space.
   */
  static final String OLD_LEDGER = """
      key,line,spaceId,name,outcome,runtimeId,status,httpStatus,errorCode,error,attempts,latencyMs,finishedAt
      a,7,space-1,name a,created,rt-a,active,201,,,2,345,2026-01-02T03:04:05.678Z
      b#2,8,space-1,"Shop, Berlin",failed,,,503,server.unavailable,"upstream said ""no"", twice (requestId req_1)",3,1200,2026-01-02T03:04:06Z
      c,9,space-2,"",aborted,,,,,"",0,0,
      d,10,space-2," padded ",unknown,rt-d,,,transport.timeout,\"\"\"\",1,15,2026-01-02T03:04:07.001Z
      e,11,space-3,ünïcödé ✓ #1,unhealthy,rt-e,failed,201,,,1,99,2026-01-02T03:04:08Z
      f,12,,"name: ""x,y"" ",invalid,,,,manifest.invalid,"a , comma; \\\\ and ' too",0,0,2026-01-02T03:04:09Z
      a,13,space-1,name a,adopted,rt-a,stopped,200,,"",1,-1,2026-01-02T03:04:10Z
      """;

  static final List<ItemResult> OLD_LEDGER_RECORDS = List.of(
      new ItemResult("a", 7, "space-1", "name a", Outcome.CREATED, "rt-a", RuntimeStatus.ACTIVE, 201,
          null, null, 2, 345, Instant.parse("2026-01-02T03:04:05.678Z")),
      new ItemResult("b#2", 8, "space-1", "Shop, Berlin", Outcome.FAILED, null, null, 503,
          "server.unavailable", "upstream said \"no\", twice (requestId req_1)", 3, 1200,
          Instant.parse("2026-01-02T03:04:06Z")),
      new ItemResult("c", 9, "space-2", "", Outcome.ABORTED, null, null, null, null, "", 0, 0, null),
      new ItemResult("d", 10, "space-2", " padded ", Outcome.UNKNOWN, "rt-d", null, null,
          "transport.timeout", "\"", 1, 15, Instant.parse("2026-01-02T03:04:07.001Z")),
      new ItemResult("e", 11, "space-3", "ünïcödé ✓ #1", Outcome.UNHEALTHY, "rt-e", RuntimeStatus.FAILED,
          201, null, null, 1, 99, Instant.parse("2026-01-02T03:04:08Z")),
      new ItemResult("f", 12, null, "name: \"x,y\" ", Outcome.INVALID, null, null, null,
          "manifest.invalid", "a , comma; \\\\ and ' too", 0, 0, Instant.parse("2026-01-02T03:04:09Z")),
      new ItemResult("a", 13, "space-1", "name a", Outcome.ADOPTED, "rt-a", RuntimeStatus.STOPPED, 200,
          null, "", 1, -1, Instant.parse("2026-01-02T03:04:10Z")));

  @Test
  void readsALedgerWrittenByTheHandWrittenCodec() throws IOException {
    Path p = dir.resolve("old.csv");
    Files.writeString(p, OLD_LEDGER);
    List<ItemResult> out = new ArrayList<>();
    LedgerReader.forEach(p, out::add);
    assertThat(out).containsExactlyElementsOf(OLD_LEDGER_RECORDS);
    assertThat(LedgerReader.load(p, true).lastOutcomes())
        .containsOnly(java.util.Map.entry("a", Outcome.ADOPTED), java.util.Map.entry("b#2", Outcome.FAILED),
            java.util.Map.entry("c", Outcome.ABORTED), java.util.Map.entry("d", Outcome.UNKNOWN),
            java.util.Map.entry("e", Outcome.UNHEALTHY), java.util.Map.entry("f", Outcome.INVALID));
  }

  @Test
  void writesThoseRecordsByteForByteAsTheHandWrittenCodecDid() {
    LedgerCodec codec = new LedgerCodec(LedgerFormat.CSV);
    StringBuilder text = new StringBuilder(new String(codec.header(), StandardCharsets.UTF_8));
    for (ItemResult r : OLD_LEDGER_RECORDS) {
      text.append(new String(codec.encode(r), StandardCharsets.UTF_8));
    }
    assertThat(text.toString()).isEqualTo(OLD_LEDGER);
  }

  @Test
  void roundTripsSeededRandomTextWithLineBreaksTurnedIntoSpaces() {
    String alphabet = "ab ,\"\r\n\t;'\\#é✓\u00a0\u3000";
    String[] astral = {"😀", "𝄞"};
    for (LedgerFormat format : LedgerFormat.values()) {
      LedgerCodec codec = new LedgerCodec(format);
      for (long seed = 1; seed <= 2; seed++) {
        Random rnd = new Random(seed);
        for (int i = 0; i < 400; i++) {
          ItemResult in = new ItemResult("k" + i + text(rnd, alphabet, astral, false), rnd.nextLong(),
              text(rnd, alphabet, astral, true), text(rnd, alphabet, astral, true),
              Outcome.values()[rnd.nextInt(Outcome.values().length)], text(rnd, alphabet, astral, true),
              rnd.nextBoolean() ? null : RuntimeStatus.values()[rnd.nextInt(RuntimeStatus.values().length)],
              rnd.nextBoolean() ? null : rnd.nextInt(600), text(rnd, alphabet, astral, true),
              text(rnd, alphabet, astral, true), rnd.nextInt(), rnd.nextLong(),
              rnd.nextBoolean() ? null : Instant.ofEpochMilli(rnd.nextLong() >>> 24));
          String line = new String(codec.encode(in), StandardCharsets.UTF_8);
          int end = line.length() - 1;
          boolean oneLine = line.indexOf('\n') == end && line.indexOf('\r') < 0;
          if (!oneLine || !codec.decode(line.substring(0, end)).equals(oneLine(in))) {
            String where = format + ", seed " + seed + ", record " + i + ": " + line;
            assertThat(line).as(where).endsWith("\n").doesNotContain("\r");
            assertThat(line.substring(0, end)).as(where).doesNotContain("\n");
            assertThat(codec.decode(line.substring(0, end))).as(where).isEqualTo(oneLine(in));
          }
        }
      }
    }
  }

  @Test
  void namesWhatIsWrongWithABrokenCsvLineOnOneLine() throws IOException {
    Path p = dir.resolve("l.csv");
    Files.writeString(p, LedgerCodec.CSV_HEADER + "\n"
        + "a,7,space-1,name a,created,rt-a,active,201,,,2,345,2026-01-02T03:04:05.678Z\n"
        + "b,8,space-1,\"name b,created\n");
    assertThatThrownBy(() -> LedgerReader.load(p, true))
        .isInstanceOf(LedgerException.class)
        .hasMessageStartingWith("ledger " + p + ":3: not a CSV record at column ")
        .hasMessageEndingWith("; fix or delete that line")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void countsTheColumnsOfACsvLine() {
    LedgerCodec codec = new LedgerCodec(LedgerFormat.CSV);
    assertThatThrownBy(() -> codec.decode("a,7,space-1,created"))
        .hasMessage("expected 13 columns but found 4");
    assertThatThrownBy(() -> codec.decode(",7,,,created,,,,,,0,0,"))
        .hasMessage("key is empty");
  }

  /** null, "", or up to 12 characters from the alphabet, sometimes a character outside the BMP. */
  private static String text(Random rnd, String alphabet, String[] astral, boolean mayBeNull) {
    int n = rnd.nextInt(14) - 2;
    if (n < 0) {
      return mayBeNull && n == -1 ? null : "";
    }
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < n; j++) {
      if (rnd.nextInt(20) == 0) {
        sb.append(astral[rnd.nextInt(astral.length)]);
      } else {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
    }
    return sb.toString();
  }

  private static ItemResult oneLine(ItemResult r) {
    return new ItemResult(LedgerCodec.oneLine(r.key()), r.line(), LedgerCodec.oneLine(r.spaceId()),
        LedgerCodec.oneLine(r.name()), r.outcome(), LedgerCodec.oneLine(r.runtimeId()), r.status(),
        r.httpStatus(), LedgerCodec.oneLine(r.errorCode()), LedgerCodec.oneLine(r.error()), r.attempts(),
        r.latencyMs(), r.finishedAt());
  }
}
