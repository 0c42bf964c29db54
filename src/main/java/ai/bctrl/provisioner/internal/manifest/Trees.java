package ai.bctrl.provisioner.internal.manifest;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Rows as plain JSON trees: {@code LinkedHashMap<String, Object>} objects, {@code List<Object>}
 * arrays, {@code String}, {@code Long}, {@code BigInteger}, {@code BigDecimal}, {@code Boolean}
 * and {@code null} (a key mapped to {@code null} is a JSON null, a missing key is absent).
 */
final class Trees {
  /** Returned by {@link #at} for a path that leads nowhere. */
  static final Object MISSING = new Object() {
    @Override
    public String toString() {
      return "MISSING";
    }
  };

  /** Immutable once built, so one is shared. */
  static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final int RENDER_LIMIT = 80;

  private Trees() {}

  /** Reads the value whose first token is the parser's current token, token by token. */
  static Object read(JsonParser p) {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IllegalStateException("no current token");
    }
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        JsonToken n;
        while ((n = p.nextToken()) == JsonToken.PROPERTY_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, read(p));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(read(p));
        }
        return l;
      }
      case VALUE_STRING:
        return p.getString();
      case VALUE_NUMBER_INT:
        return switch (p.getNumberType()) {
          case INT, LONG -> p.getLongValue();
          default -> p.getBigIntegerValue();
        };
      case VALUE_NUMBER_FLOAT:
        return p.getDecimalValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IllegalStateException("unexpected token " + t);
    }
  }

  /** The value at a dot path, {@link #MISSING} when there is none. */
  static Object at(Object root, String path) {
    Object cur = root;
    for (String seg : path.split("\\.", -1)) {
      String name = seg;
      int idx = -1;
      int br = seg.indexOf('[');
      if (br >= 0 && seg.endsWith("]")) {
        name = seg.substring(0, br);
        try {
          idx = Integer.parseInt(seg.substring(br + 1, seg.length() - 1));
        } catch (NumberFormatException e) {
          return MISSING;
        }
      }
      if (!(cur instanceof Map<?, ?> m) || !m.containsKey(name)) {
        return MISSING;
      }
      cur = m.get(name);
      if (idx >= 0) {
        if (!(cur instanceof List<?> l) || idx >= l.size()) {
          return MISSING;
        }
        cur = l.get(idx);
      }
    }
    return cur;
  }

  /** Sets {@code value} under nested objects named by {@code path}, creating them. */
  @SuppressWarnings("unchecked")
  static void put(Map<String, Object> root, List<String> path, Object value) {
    Map<String, Object> cur = root;
    for (int i = 0; i < path.size() - 1; i++) {
      Object next = cur.get(path.get(i));
      if (!(next instanceof Map)) {
        next = new LinkedHashMap<String, Object>();
        cur.put(path.get(i), next);
      }
      cur = (Map<String, Object>) next;
    }
    cur.put(path.get(path.size() - 1), value);
  }

  /**
   * Merges {@code row} over {@code defaults}: objects deeply, arrays and plain values replaced;
   * under {@code config}, a row that has {@code proxy} at all drops the defaults' proxy whole; a
   * row's {@code null} removes the value (but an explicit {@code config.proxy: null} stays: it means
   * "no proxy"). Neither argument is changed.
   */
  static Map<String, Object> merge(Map<String, Object> defaults, Map<String, Object> row, String path) {
    return merge(defaults, row, path, Set.of());
  }

  /** {@link #merge(Map, Map, String)} of {@code row} without its top-level keys in {@code skip}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> merge(Map<String, Object> defaults, Map<String, Object> row, String path,
      Set<String> skip) {
    Map<String, Object> out = new LinkedHashMap<>(defaults);
    boolean config = path.equals("config");
    if (config && row.containsKey("proxy")) {
      out.remove("proxy");
    }
    for (Map.Entry<String, Object> e : row.entrySet()) {
      String k = e.getKey();
      Object v = e.getValue();
      if (skip.contains(k)) {
        continue;
      }
      if (v == null) {
        if (config && k.equals("proxy")) {
          out.put(k, null);
        } else {
          out.remove(k);
        }
      } else if (v instanceof Map) {
        Object d = out.get(k);
        Map<String, Object> base = d instanceof Map ? (Map<String, Object>) d : Map.of();
        out.put(k, merge(base, (Map<String, Object>) v, path.isEmpty() ? k : path + "." + k, Set.of()));
      } else {
        out.put(k, v);
      }
    }
    return out;
  }

  /** A copy of {@code tree} with its objects copied too (their values are shared). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> copyObjects(Map<String, Object> tree) {
    Map<String, Object> out = new LinkedHashMap<>(tree);
    for (Map.Entry<String, Object> e : out.entrySet()) {
      if (e.getValue() instanceof Map) {
        e.setValue(copyObjects((Map<String, Object>) e.getValue()));
      }
    }
    return out;
  }

  /** Compact JSON with every object's keys sorted: the text the content key is hashed over. */
  static String canonical(Object value) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), w)) {
      write(g, value, true);
    }
    return w.toString();
  }

  /** A value as JSON text, cut to a readable length, for error messages. */
  static String render(Object value) {
    String s;
    if (value instanceof String str) {
      s = quote(str);
    } else {
      StringWriter w = new StringWriter();
      try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), w)) {
        write(g, value, false);
      }
      s = w.toString();
    }
    return s.length() <= RENDER_LIMIT ? s : s.substring(0, RENDER_LIMIT - 3) + "...";
  }

  /** {@code s} in double quotes with JSON escapes, as a cell is shown in messages. */
  static String quote(String s) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), w)) {
      g.writeString(s);
    }
    String q = w.toString();
    return q.length() <= RENDER_LIMIT ? q : q.substring(0, RENDER_LIMIT - 4) + "...\"";
  }

  /** What kind of JSON value this is, for messages that must not show the value itself. */
  static String kind(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "an array";
    }
    return "a number";
  }

  @SuppressWarnings("unchecked")
  private static void write(JsonGenerator g, Object v, boolean sorted) {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      Map<String, Object> entries = sorted ? new TreeMap<>((Map<String, Object>) m) : (Map<String, Object>) m;
      for (Map.Entry<String, Object> e : entries.entrySet()) {
        g.writeName(e.getKey());
        write(g, e.getValue(), sorted);
      }
      g.writeEndObject();
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object o : l) {
        write(g, o, sorted);
      }
      g.writeEndArray();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Long n) {
      g.writeNumber(n.longValue());
    } else if (v instanceof Integer n) {
      g.writeNumber(n.intValue());
    } else if (v instanceof BigInteger n) {
      g.writeNumber(n);
    } else if (v instanceof BigDecimal n) {
      g.writeNumber(n);
    } else {
      g.writeString(String.valueOf(v));
    }
  }
}
