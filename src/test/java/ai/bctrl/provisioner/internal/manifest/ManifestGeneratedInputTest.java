package ai.bctrl.provisioner.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of seeded random and mutated manifests: each either reads, giving valid items and
 * line-numbered invalid rows, or fails with a one-line {@link ManifestException}; never another
 * exception, and never a secret in a message. A failure prints its seed; replay one with
 * {@code -Dmanifest.seed=N}; search further with {@code -Dmanifest.seedBase=N -Dmanifest.cases=M}.
 */
class ManifestGeneratedInputTest {
  private static final String SECRET = "s3cr3t-Pa55";
  private static final int CASES = 600;

  private static final String[] COLUMNS = {
      "type", "name", "profile", "extensionIds", "metadata.team", "config.stealth", "config.humanize",
      "config.humanizePersonaId", "config.solveCaptchas", "config.fingerprint.browser", "config.fingerprint.locale",
      "config.proxy.mode", "config.proxy.host", "config.proxy.port", "config.proxy.protocol", "config.proxy.username",
      "config.proxy.password", "config.proxy.id", "config.proxy.overrides.affinity.strategy",
      "config.proxy.overrides.affinity.key", "config.proxy.overrides.geo.city", "config.proxy.overrides.ipFamily",
      "config.proxy.overrides.poolPreference", "config.proxy.overrides.protocol", "spaceId", "count", "key"};
  private static final String[] VALUES = {
      "", "", "", "browser", "web", "web-1", "a b", "high", "ultra", "max", "true", "FALSE", "yes", "0", "1", "7",
      "65535", "65536", "80a", "-3", "10000", "10001", "chrome", "edge", "en-US", "de-DE", "xx", "custom", "saved",
      "direct", "h.example", "http", "socks5", "${PW}", "${NOPE}", "${PW", "0f8fad5b-d9cb-469f-a165-70867728950e",
      "not-a-uuid", "rotate", "sticky", "ipv4-only", "max-pool", Manifests.SPACE, "../x", "k#1", "a;b;;c",
      "\"quoted\"", "with,comma", "line\nbreak", "ünïcødé", "99999999999999999999"};
  private static final String[] JUNK = {"\"", ",", "\n", "\r", "\r\n", "{", "}", "[", "]", ":", "\\", "\u0000",
      "\uFEFF", "${", "null", "1e999", "-", "\"\"", "\t"};
  private static final Pattern FATAL = Pattern.compile("^\\S*m\\.(csv|json|jsonl)(:\\d+)?: \\S.*$");

  @TempDir Path dir;

  @Test
  void everyGeneratedManifestReadsOrFailsWithALineNumberedManifestException() throws Exception {
    long base = Long.getLong("manifest.seed", Long.getLong("manifest.seedBase", 20261129L));
    int cases = System.getProperty("manifest.seed") != null ? 1 : Integer.getInteger("manifest.cases", CASES);
    int fatal = 0;
    int invalid = 0;
    int valid = 0;
    for (int c = 0; c < cases; c++) {
      long seed = base + c;
      Random r = new Random(seed);
      String ext = switch (r.nextInt(3)) {
        case 0 -> "csv";
        case 1 -> "json";
        default -> "jsonl";
      };
      byte[] content = mutate(r, switch (ext) {
        case "csv" -> csv(r);
        case "json" -> json(r, true);
        default -> json(r, false);
      });
      Path p = dir.resolve("m." + ext);
      Files.write(p, content);
      ManifestOptions o = ManifestOptions.builder().path(p).defaultSpace(Manifests.SPACE)
          .env(Map.of("PW", SECRET)).maxItems(r.nextInt(4) == 0 ? 50L : null).build();
      String where = "seed " + seed + " (" + ext + "; replay with -Dmanifest.seed=" + seed + ")";
      try {
        List<ManifestEntry> entries = ManifestReader.read(o).collectList().block(Duration.ofSeconds(20));
        long last = 0;
        for (ManifestEntry e : entries) {
          assertThat(e.line()).as(where).isGreaterThanOrEqualTo(Math.max(1, last));
          last = e.line();
          if (e instanceof ManifestEntry.Invalid i) {
            invalid++;
            String line = i.describe("m." + ext);
            assertThat(line).as(where).doesNotContain("\n", "\r", SECRET).startsWith("m." + ext + ":" + i.line() + ": ");
            assertThat(i.key()).as(where).isNotEmpty();
          } else {
            valid++;
            var item = ((ManifestEntry.Valid) e).item();
            assertThat(Keys.isValid(item.key().replace('#', '-'))).as(where).isTrue();
          }
        }
      } catch (ManifestException e) {
        fatal++;
        assertThat(e.getMessage()).as(where).matches(FATAL).doesNotContain(SECRET);
      } catch (RuntimeException e) {
        fail("unexpected " + e + " for " + where, e);
      }
    }
    // the generator must exercise all three paths, or the test proves little
    assertThat(fatal).as("fatal manifests").isGreaterThan(cases / 20);
    assertThat(invalid).as("invalid rows").isGreaterThan(cases / 2);
    assertThat(valid).as("valid items").isGreaterThan(cases / 4);
  }

  private static String pick(Random r, String[] from) {
    return from[r.nextInt(from.length)];
  }

  /** A value that is valid for the column (proxy columns only in combination), or any value. */
  private static String value(Random r, String column) {
    if (r.nextInt(10) < 3) {
      return pick(r, VALUES);
    }
    return switch (column) {
      case "type" -> "browser";
      case "name" -> "web-" + r.nextInt(1000);
      case "key" -> "k" + r.nextInt(1000);
      case "extensionIds" -> "a;b";
      case "config.stealth" -> "high";
      case "config.humanize", "config.solveCaptchas" -> r.nextBoolean() ? "true" : "False";
      case "config.humanizePersonaId" -> String.valueOf(r.nextInt(100));
      case "config.fingerprint.browser" -> "edge";
      case "config.fingerprint.locale" -> "fr-FR";
      case "spaceId" -> Manifests.SPACE_2;
      case "count" -> String.valueOf(1 + r.nextInt(5));
      default -> column.startsWith("config.proxy") ? pick(r, VALUES) : "v" + r.nextInt(10);
    };
  }

  private static String csvCell(String v) {
    return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }

  private static byte[] csv(Random r) {
    List<String> cols = new ArrayList<>();
    int n = 1 + r.nextInt(8);
    for (int i = 0; i < n; i++) {
      String col = pick(r, COLUMNS);
      if (!cols.contains(col)) {
        cols.add(col);
      }
    }
    StringBuilder sb = new StringBuilder(String.join(",", cols)).append(r.nextBoolean() ? "\n" : "\r\n");
    int rows = r.nextInt(15);
    for (int i = 0; i < rows; i++) {
      List<String> cells = new ArrayList<>();
      for (String col : cols) {
        cells.add(csvCell(value(r, col)));
      }
      sb.append(String.join(",", cells)).append(r.nextBoolean() ? "\n" : "\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String jsonValue(Random r, String column) {
    String v = value(r, column);
    return switch (r.nextInt(8)) {
      case 0, 7 -> v.matches("-?\\d{1,18}") ? v : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
      case 1 -> v.equals("true") || v.equals("False") ? v.toLowerCase(java.util.Locale.ROOT) : r.nextBoolean() ? "true" : "null";
      case 2 -> column.equals("extensionIds") ? "[\"a\", \"b\"]" : "{\"x\": 1}";
      default -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    };
  }

  private static byte[] json(Random r, boolean array) {
    StringBuilder sb = new StringBuilder(array ? "[\n" : "");
    int rows = r.nextInt(12);
    for (int i = 0; i < rows; i++) {
      StringBuilder obj = new StringBuilder("{");
      List<String> used = new ArrayList<>();
      int fields = r.nextInt(6);
      for (int f = 0; f < fields; f++) {
        String col = pick(r, COLUMNS);
        String top = col.contains(".") ? col.substring(0, col.indexOf('.')) : col;
        if (used.contains(top)) {
          continue;
        }
        used.add(top);
        if (obj.length() > 1) {
          obj.append(", ");
        }
        String value = jsonValue(r, col);
        String[] path = col.split("\\.");
        for (int k = 0; k < path.length - 1; k++) {
          obj.append("\"").append(path[k]).append("\": {");
        }
        obj.append("\"").append(path[path.length - 1]).append("\": ").append(value);
        obj.append("}".repeat(path.length - 1));
      }
      obj.append("}");
      sb.append(obj);
      if (array && i < rows - 1) {
        sb.append(",");
      }
      sb.append("\n");
    }
    if (array) {
      sb.append("]\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] mutate(Random r, byte[] in) {
    int mutations = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(4);
    byte[] cur = in;
    for (int m = 0; m < mutations; m++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int at = cur.length == 0 ? 0 : r.nextInt(cur.length + 1);
      switch (r.nextInt(5)) {
        case 0 -> { // insert junk
          out.write(cur, 0, at);
          out.writeBytes(pick(r, JUNK).getBytes(StandardCharsets.UTF_8));
          out.write(cur, at, cur.length - at);
        }
        case 1 -> { // delete a range
          int len = Math.min(cur.length - at, r.nextInt(20));
          out.write(cur, 0, at);
          out.write(cur, at + len, cur.length - at - len);
        }
        case 2 -> { // flip a byte
          out.writeBytes(cur);
          byte[] b = out.toByteArray();
          if (b.length > 0) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
          }
          return b;
        }
        case 3 -> out.write(cur, 0, at); // truncate
        default -> { // random bytes
          out.write(cur, 0, at);
          byte[] junk = new byte[1 + r.nextInt(16)];
          r.nextBytes(junk);
          out.writeBytes(junk);
          out.write(cur, at, cur.length - at);
        }
      }
      cur = out.toByteArray();
    }
    return cur;
  }
}
