package ai.bctrl.provisioner.internal.manifest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The CSV columns: dot paths into the request body, plus {@code spaceId}, {@code count}, {@code key}. */
final class Columns {
  enum Type { STRING, BOOLEAN, INTEGER, LIST }

  record Column(String header, List<String> path, Type type) {}

  static final String METADATA = "metadata.";

  private static final Map<String, Type> KNOWN = new LinkedHashMap<>();

  static {
    put(Type.STRING, "type", "name", "profile");
    put(Type.LIST, "extensionIds");
    put(Type.STRING, "config.stealth");
    put(Type.BOOLEAN, "config.humanize");
    put(Type.INTEGER, "config.humanizePersonaId");
    put(Type.BOOLEAN, "config.solveCaptchas");
    put(Type.STRING, "config.fingerprint.browser", "config.fingerprint.locale", "config.proxy.mode",
        "config.proxy.host");
    put(Type.INTEGER, "config.proxy.port");
    put(Type.STRING, "config.proxy.protocol", "config.proxy.username", "config.proxy.password",
        "config.proxy.id", "config.proxy.overrides.affinity.strategy", "config.proxy.overrides.affinity.key",
        "config.proxy.overrides.geo.city", "config.proxy.overrides.geo.country",
        "config.proxy.overrides.geo.isp", "config.proxy.overrides.geo.region",
        "config.proxy.overrides.ipFamily", "config.proxy.overrides.poolPreference",
        "config.proxy.overrides.protocol", "spaceId");
    put(Type.INTEGER, "count");
    put(Type.STRING, "key");
  }

  private Columns() {}

  private static void put(Type t, String... names) {
    for (String n : names) {
      KNOWN.put(n, t);
    }
  }

  /** The column for a header name, or {@code null} when there is no such column. */
  static Column of(String header) {
    Type t = KNOWN.get(header);
    if (t != null) {
      return new Column(header, List.of(header.split("\\.")), t);
    }
    if (header.startsWith(METADATA) && header.length() > METADATA.length()) {
      return new Column(header, List.of("metadata", header.substring(METADATA.length())), Type.STRING);
    }
    return null;
  }

  static List<String> known() {
    return new ArrayList<>(KNOWN.keySet());
  }

  /** The known name nearest to {@code wrong}, or {@code null} when none is near. */
  static String nearest(String wrong, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(wrong.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
      if (!c.equals(wrong) && d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int limit = Math.max(2, wrong.length() / 4);
    return bestDistance <= limit ? best : null;
  }

  /** Suggestions for a CSV header: the known columns, and {@code metadata.<rest>} for a dotted name. */
  static String nearestColumn(String wrong) {
    List<String> candidates = known();
    int dot = wrong.indexOf('.');
    if (dot > 0 && dot < wrong.length() - 1) {
      candidates.add(METADATA + wrong.substring(dot + 1));
    }
    return nearest(wrong, candidates);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  static String list() {
    return String.join(", ", known()) + ", metadata.<name>";
  }

  static List<String> split(String cell) {
    List<String> out = new ArrayList<>();
    for (String part : cell.split(";", -1)) {
      String p = part.trim();
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  /** A cell converted to its column's type; a cell that does not convert stays a string. */
  static Object convert(String cell, Type type) {
    switch (type) {
      case BOOLEAN: {
        String t = cell.trim();
        if (t.equalsIgnoreCase("true")) {
          return Boolean.TRUE;
        }
        if (t.equalsIgnoreCase("false")) {
          return Boolean.FALSE;
        }
        return cell;
      }
      case INTEGER: {
        String t = cell.trim();
        if (!isDecimal(t)) {
          return cell;
        }
        java.math.BigInteger b = new java.math.BigInteger(t);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
      }
      case LIST:
        return split(cell);
      default:
        return cell;
    }
  }

  private static boolean isDecimal(String t) {
    int start = t.startsWith("-") ? 1 : 0;
    if (t.length() == start || t.length() > 40) {
      return false;
    }
    for (int i = start; i < t.length(); i++) {
      if (t.charAt(i) < '0' || t.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  static List<String> path(String dotted) {
    return Arrays.asList(dotted.split("\\."));
  }
}
