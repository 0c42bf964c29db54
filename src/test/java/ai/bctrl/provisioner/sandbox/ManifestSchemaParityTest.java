package ai.bctrl.provisioner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.internal.manifest.ManifestEntry;
import ai.bctrl.provisioner.internal.manifest.ManifestOptions;
import ai.bctrl.provisioner.internal.manifest.ManifestReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generated inputs: random valid rows, written as CSV and as JSONL, read through the manifest path;
 * every item's request, serialised as the client writes it, must pass the sandbox's schema with no
 * problem (a row the manifest accepts is never answered 400 by the sandbox), and the CSV and the
 * JSON form of a row give the same item keys.
 */
class ManifestSchemaParityTest {
  private static final JsonMapper CLIENT_JSON = JsonMapper.builder().build();
  private static final SchemaValidator SCHEMA = SchemaValidator.createRuntime(CLIENT_JSON);
  private static final String SPACE = "0b1e5c3a-7f55-4f0e-9a57-5f3c2a1d9e01";
  private static final String[] STEALTH = {"medium", "high", "ultra"};
  private static final String[] BROWSER = {"chrome", "edge"};
  private static final String[] LOCALE = {"en-US", "de-DE", "ja-JP", "zh-TW", "pt-BR"};
  private static final String[] PROTOCOL = {"http", "socks5"};
  private static final String[] IP_FAMILY = {"dual-stack", "ipv4-only"};
  private static final String[] POOL = {"quality", "quality-speed", "speed", "max-pool"};

  @TempDir Path dir;

  @Test
  void everyRowTheManifestAcceptsPassesTheSandboxSchema() throws IOException {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    for (int round = 0; round < 20; round++) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        rows.add(row(rnd, i));
      }
      List<String> fromCsv = check(seed, "m" + round + ".csv", csv(rows, rnd));
      List<String> fromJson = check(seed, "m" + round + ".jsonl", jsonl(rows));
      assertThat(fromCsv).as("seed %d: a CSV row and a JSON row that mean the same have the same key", seed)
          .isEqualTo(fromJson);
    }
  }

  /** The item keys, after checking each item's body against the schema. */
  private List<String> check(long seed, String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    List<ManifestEntry> entries = ManifestReader.read(ManifestOptions.builder().path(p).defaultSpace(SPACE)
        .env(Map.of()).build()).collectList().block(Duration.ofSeconds(30));
    assertThat(entries).as("seed %d", seed).isNotEmpty();
    List<String> keys = new ArrayList<>();
    for (ManifestEntry e : entries) {
      if (e instanceof ManifestEntry.Invalid inv) {
        throw new AssertionError("seed " + seed + ": a generated valid row was refused: " + inv.describe(name)
            + "\n" + content);
      }
      Item item = ((ManifestEntry.Valid) e).item();
      keys.add(item.key());
      String body = CLIENT_JSON.writeValueAsString(item.request());
      assertThat(SCHEMA.validate(CLIENT_JSON.readTree(body)))
          .as("seed %d, %s line %d, body %s", seed, name, item.line(), body).isEmpty();
    }
    return keys;
  }

  /** One valid row as flat dot paths (the CSV columns) to typed values. */
  private static Map<String, Object> row(Random rnd, int i) {
    Map<String, Object> r = new LinkedHashMap<>();
    switch (rnd.nextInt(3)) {
      case 0 -> r.put("key", "row-" + i);
      // "." + i: the text may end in digits, so text + i could repeat an earlier row's name
      case 1 -> r.put("name", text(rnd) + "." + i); // a valid key, or not (then the hash)
      default -> r.put("metadata.row", "r" + i); // keyed by the content hash
    }
    if (rnd.nextBoolean()) {
      r.put("type", "browser");
    }
    if (!r.containsKey("name") && rnd.nextBoolean()) {
      r.put("name", text(rnd) + "#" + i);
    }
    if (rnd.nextBoolean()) {
      r.put("profile", text(rnd));
    }
    if (rnd.nextBoolean()) {
      List<String> ids = new ArrayList<>();
      for (int j = rnd.nextInt(3) + 1; j > 0; j--) {
        ids.add("ext" + rnd.nextInt(100));
      }
      r.put("extensionIds", ids);
    }
    if (rnd.nextBoolean()) {
      r.put("metadata.team", text(rnd));
    }
    if (rnd.nextBoolean()) {
      r.put("config.stealth", pick(rnd, STEALTH));
    }
    if (rnd.nextBoolean()) {
      r.put("config.humanize", rnd.nextBoolean());
    }
    if (rnd.nextBoolean()) {
      r.put("config.solveCaptchas", rnd.nextBoolean());
    }
    if (rnd.nextBoolean()) {
      r.put("config.humanizePersonaId", switch (rnd.nextInt(4)) {
        case 0 -> 0L;
        case 1 -> Long.MAX_VALUE;
        case 2 -> Long.MIN_VALUE;
        default -> rnd.nextLong();
      });
    }
    if (rnd.nextBoolean()) {
      r.put("config.fingerprint.browser", pick(rnd, BROWSER));
    }
    if (rnd.nextBoolean()) {
      r.put("config.fingerprint.locale", pick(rnd, LOCALE));
    }
    switch (rnd.nextInt(3)) {
      case 0 -> {
        r.put("config.proxy.mode", "custom");
        r.put("config.proxy.host", "proxy" + rnd.nextInt(10) + ".example");
        r.put("config.proxy.port", (long) (rnd.nextBoolean() ? 1 + rnd.nextInt(65535) : rnd.nextBoolean() ? 1 : 65535));
        r.put("config.proxy.protocol", pick(rnd, PROTOCOL));
        if (rnd.nextBoolean()) {
          r.put("config.proxy.username", text(rnd));
          r.put("config.proxy.password", text(rnd));
        }
      }
      case 1 -> {
        r.put("config.proxy.mode", "saved");
        String id = UUID.randomUUID().toString();
        r.put("config.proxy.id", rnd.nextBoolean() ? id.toUpperCase(Locale.ROOT) : id);
        if (rnd.nextBoolean()) {
          boolean sticky = rnd.nextBoolean();
          r.put("config.proxy.overrides.affinity.strategy", sticky ? "sticky" : "rotate");
          if (sticky && rnd.nextBoolean()) {
            r.put("config.proxy.overrides.affinity.key", text(rnd));
          }
        }
        if (rnd.nextBoolean()) {
          r.put("config.proxy.overrides.geo.country", "DE");
        }
        if (rnd.nextBoolean()) {
          r.put("config.proxy.overrides.geo.city", text(rnd));
        }
        if (rnd.nextBoolean()) {
          r.put("config.proxy.overrides.ipFamily", pick(rnd, IP_FAMILY));
        }
        if (rnd.nextBoolean()) {
          r.put("config.proxy.overrides.poolPreference", pick(rnd, POOL));
        }
        if (rnd.nextBoolean()) {
          r.put("config.proxy.overrides.protocol", pick(rnd, PROTOCOL));
        }
      }
      default -> {}
    }
    if (rnd.nextBoolean()) {
      r.put("count", (long) (1 + rnd.nextInt(3)));
    }
    return r;
  }

  private static String text(Random rnd) {
    String chars = "abcXYZ019 -_.,;\"'/\\é中\u2028";
    StringBuilder sb = new StringBuilder("t");
    for (int n = rnd.nextInt(8); n > 0; n--) {
      sb.append(chars.charAt(rnd.nextInt(chars.length())));
    }
    return sb.toString().strip();
  }

  private static String pick(Random rnd, String[] values) {
    return values[rnd.nextInt(values.length)];
  }

  /** Every row over the union of columns; booleans in random case, integers with stray spaces. */
  private static String csv(List<Map<String, Object>> rows, Random rnd) {
    List<String> columns = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      for (String k : r.keySet()) {
        if (!columns.contains(k)) {
          columns.add(k);
        }
      }
    }
    StringBuilder sb = new StringBuilder(String.join(",", columns)).append(rnd.nextBoolean() ? "\r\n" : "\n");
    for (Map<String, Object> r : rows) {
      List<String> cells = new ArrayList<>();
      for (String c : columns) {
        Object v = r.get(c);
        String cell;
        if (v == null) {
          cell = "";
        } else if (v instanceof List<?> l) {
          cell = String.join(rnd.nextBoolean() ? ";" : " ; ", l.stream().map(String::valueOf).toList());
        } else if (v instanceof Boolean b) {
          String s = b.toString();
          cell = rnd.nextBoolean() ? s.toUpperCase(Locale.ROOT) : s;
        } else if (v instanceof Long n) {
          cell = rnd.nextBoolean() ? " " + n + " " : n.toString();
        } else {
          cell = v.toString();
        }
        cells.add("\"" + cell.replace("\"", "\"\"") + "\"");
      }
      sb.append(String.join(",", cells)).append('\n');
    }
    return sb.toString();
  }

  /** Every row as one nested JSON object a line. */
  @SuppressWarnings("unchecked")
  private static String jsonl(List<Map<String, Object>> rows) {
    StringBuilder sb = new StringBuilder();
    for (Map<String, Object> r : rows) {
      Map<String, Object> tree = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : r.entrySet()) {
        String[] path = e.getKey().split("\\.");
        Map<String, Object> cur = tree;
        for (int i = 0; i < path.length - 1; i++) {
          cur = (Map<String, Object>) cur.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
        }
        cur.put(path[path.length - 1], e.getValue());
      }
      sb.append(CLIENT_JSON.writeValueAsString(tree)).append('\n');
    }
    return sb.toString();
  }
}
