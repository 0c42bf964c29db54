package ai.bctrl.provisioner.internal.manifest;

import ai.bctrl.provisioner.internal.KeyHashSet;
import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns raw rows into invalid entries or item expansions: row fields, defaults, checks, the row key
 * and duplicate detection. Remembers only a 64-bit hash of each row key.
 */
final class RowProcessor {
  static final int MAX_COUNT = 10_000;
  static final String SPACE_RULE = "must be 1..200 characters of A-Z a-z 0-9 . _ : @ -";

  private final String batch;
  private final String defaultSpace;
  private final Defaults defaults;
  private final KeyHashSet seen = new KeyHashSet();

  RowProcessor(String batch, String defaultSpace, Defaults defaults) {
    this.batch = batch;
    this.defaultSpace = defaultSpace;
    this.defaults = defaults;
  }

  static boolean isValidSpace(String s) {
    if (s.isEmpty() || s.length() > Keys.MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || !Keys.allowed(c)) {
        return false;
      }
    }
    return true;
  }

  /** A row's items, made one at a time. */
  final class Expansion {
    private final String rowKey;
    private final String spaceId;
    private final CreateRuntimeRequest request;
    private final int count;
    private final long line;
    private int next = 1;

    Expansion(String rowKey, String spaceId, CreateRuntimeRequest request, int count, long line) {
      this.rowKey = rowKey;
      this.spaceId = spaceId;
      this.request = request;
      this.count = count;
      this.line = line;
    }

    int count() {
      return count;
    }

    long line() {
      return line;
    }

    boolean hasNext() {
      return next <= count;
    }

    ManifestEntry.Valid next() {
      int i = next++;
      String key = i == 1 ? rowKey : rowKey + "#" + i;
      CreateRuntimeRequest r = i == 1 || request.name() == null ? request : request.withName(request.name() + "-" + i);
      return new ManifestEntry.Valid(Item.of(prefixed(key), spaceId, r, line));
    }
  }

  private String prefixed(String key) {
    return batch == null ? key : batch + ":" + key;
  }

  /** An {@link ManifestEntry.Invalid} or an {@link Expansion}. */
  Object process(RawRow raw) {
    long line = raw.line();
    if (raw.notAnObject() != null) {
      return new ManifestEntry.Invalid(prefixed("line-" + line), line, defaultSpace(), null, null, raw.notAnObject());
    }
    Map<String, Object> written = raw.written();
    Map<String, Object> eff = raw.effective();
    List<Problem> problems = new ArrayList<>(raw.problems());
    java.util.function.Function<String, String> asWritten = field -> asWritten(raw, field);

    // spaceId: the row's, else the defaults', else --space. A row's JSON null removes the
    // defaults' space (then --space applies); an unset ${NAME} was reported by interpolation.
    String spaceId = null;
    boolean spaceReported = false;
    if (eff.get("spaceId") != null) {
      Object s = eff.get("spaceId");
      if (s instanceof String str && isValidSpace(str)) {
        spaceId = str;
      } else {
        problems.add(new Problem("spaceId", SPACE_RULE + ", got " + gotOf(asWritten, "spaceId", s)));
        spaceReported = true;
      }
    } else if (written.get("spaceId") != null) {
      spaceReported = true;
    } else {
      spaceId = written.containsKey("spaceId") ? defaultSpace : defaultSpace();
    }
    if (spaceId == null && !spaceReported) {
      problems.add(new Problem("spaceId", "is required: set it in the row, in --defaults, or with --space (BCTRL_SPACE_ID)"));
    }

    int count = 1;
    Object c = eff.get("count");
    if (c != null) {
      if (c instanceof Long n && n >= 1 && n <= MAX_COUNT) {
        count = n.intValue();
      } else {
        problems.add(new Problem("count", "must be an integer 1.." + MAX_COUNT + ", got " + gotOf(asWritten, "count", c)));
      }
    }

    String explicitKey = null;
    boolean keyUnusable = false;
    Object k = eff.get("key");
    if (k != null) {
      if (k instanceof String str && Keys.isValid(str)) {
        explicitKey = str;
      } else {
        problems.add(new Problem("key", "must be 1.." + Keys.MAX_LENGTH + " characters of " + Keys.ALLOWED
            + ", got " + gotOf(asWritten, "key", k)));
        keyUnusable = true;
      }
    } else if (written.containsKey("key") && written.get("key") != null) {
      keyUnusable = true; // an unset ${NAME}: already reported
    }

    Map<String, Object> merged = Trees.merge(defaults.effective(), eff, "", RequestChecker.ROW_FIELDS);
    CreateRuntimeRequest request = new RequestChecker(problems, asWritten).check(merged);

    String rowKey = null;
    boolean duplicate = false;
    if (!keyUnusable) {
      if (explicitKey != null) {
        rowKey = explicitKey;
      } else if (written.get("name") instanceof String n && Keys.isValid(n)) {
        rowKey = n;
      } else {
        rowKey = Keys.contentKey(Trees.canonical(java.util.Arrays.asList(spaceId, body(written))));
      }
      if (!seen.add(rowKey)) {
        duplicate = true;
        // an interpolated key is shown as written, never as its value
        String shown = explicitKey != null && written.get("key") instanceof String w && Interpolation.variable(w) != null
            ? Trees.quote(w) : "\"" + rowKey + "\"";
        problems.add(new Problem("key", shown + " is the key of an earlier row too"
            + (explicitKey != null || !rowKey.startsWith("h-") ? "" : " (the same content in the same space)")
            + "; give each row its own key" + (explicitKey == null ? " or name" : "")
            + ", or one row a higher count"));
      }
    }

    if (!problems.isEmpty()) {
      String name = written.get("name") instanceof String n ? n : null;
      StringBuilder msg = new StringBuilder(problems.get(0).message());
      for (int i = 1; i < problems.size(); i++) {
        Problem p = problems.get(i);
        msg.append("; ").append(p.field() == null ? "" : p.field() + ": ").append(p.message());
      }
      // A duplicate is recorded under its line, not the key it repeats: under that key its invalid
      // record would be the last one and overwrite the earlier row's outcome in the ledger.
      String key = rowKey != null && !duplicate ? rowKey : "line-" + line;
      return new ManifestEntry.Invalid(prefixed(key), line, spaceId, name,
          problems.get(0).field(), msg.toString());
    }
    return new Expansion(rowKey, spaceId, request, count, line);
  }

  private String defaultSpace() {
    return defaults.spaceId() != null ? defaults.spaceId() : defaultSpace;
  }

  private static Map<String, Object> body(Map<String, Object> row) {
    Map<String, Object> b = new LinkedHashMap<>(row);
    b.keySet().removeAll(RequestChecker.ROW_FIELDS);
    return b;
  }

  private static String gotOf(java.util.function.Function<String, String> asWritten, String field, Object effective) {
    String w = asWritten.apply(field);
    return w != null ? w : Trees.kind(effective);
  }

  /** The value at {@code field} as written in the row (CSV: the cell, quoted), else in the defaults. */
  private String asWritten(RawRow raw, String field) {
    if (raw.cells() != null) {
      String cell = raw.cells().get(field);
      if (cell != null) {
        return Trees.quote(cell);
      }
    } else {
      Object v = Trees.at(raw.written(), field);
      if (v != Trees.MISSING) {
        return Trees.render(v);
      }
    }
    Object d = Trees.at(defaults.written(), field);
    return d == Trees.MISSING ? null : Trees.render(d);
  }
}
