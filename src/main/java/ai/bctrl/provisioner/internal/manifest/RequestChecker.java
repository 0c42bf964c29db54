package ai.bctrl.provisioner.internal.manifest;

import ai.bctrl.provisioner.model.Affinity;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.model.CustomProxy;
import ai.bctrl.provisioner.model.Fingerprint;
import ai.bctrl.provisioner.model.FingerprintBrowser;
import ai.bctrl.provisioner.model.FingerprintLocale;
import ai.bctrl.provisioner.model.Geo;
import ai.bctrl.provisioner.model.IpFamily;
import ai.bctrl.provisioner.model.PoolPreference;
import ai.bctrl.provisioner.model.Proxy;
import ai.bctrl.provisioner.model.ProxyOverrides;
import ai.bctrl.provisioner.model.ProxyProtocol;
import ai.bctrl.provisioner.model.RuntimeConfig;
import ai.bctrl.provisioner.model.RuntimeType;
import ai.bctrl.provisioner.model.SavedProxy;
import ai.bctrl.provisioner.model.Stealth;
import ai.bctrl.provisioner.model.WireEnum;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks a merged, interpolated row body against the create call's schema (written here by hand,
 * independently of the model's Jackson mapping) and builds the request from it. Every problem is
 * collected; a value is shown only as written in the manifest (via {@code asWritten}), never as
 * interpolated.
 */
final class RequestChecker {
  static final Set<String> BODY_FIELDS = Set.of("type", "name", "profile", "extensionIds", "metadata", "config");
  static final Set<String> ROW_FIELDS = Set.of("spaceId", "count", "key");
  private static final List<String> ALL_TOP = List.of(
      "type", "name", "profile", "extensionIds", "metadata", "config", "spaceId", "count", "key");
  private static final List<String> CONFIG = List.of(
      "fingerprint", "humanize", "humanizePersonaId", "proxy", "solveCaptchas", "stealth");
  private static final List<String> FINGERPRINT = List.of("browser", "locale");
  private static final List<String> CUSTOM = List.of("mode", "host", "port", "protocol", "username", "password");
  private static final List<String> SAVED = List.of("mode", "id", "overrides");
  private static final List<String> OVERRIDES = List.of("affinity", "geo", "ipFamily", "poolPreference", "protocol");
  private static final List<String> AFFINITY = List.of("strategy", "key");
  private static final List<String> GEO = List.of("city", "country", "isp", "region");
  private static final Pattern UUID_FORMAT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final List<Problem> problems;
  private final Function<String, String> asWritten;

  /**
   * @param asWritten renders the value at a dot path as written in the manifest, or returns
   *     {@code null} when it was not written there
   */
  RequestChecker(List<Problem> problems, Function<String, String> asWritten) {
    this.problems = problems;
    this.asWritten = asWritten;
  }

  /** The request, or {@code null} when the body has problems (then added to the list). */
  CreateRuntimeRequest check(Map<String, Object> body) {
    int before = problems.size();
    unknown(body, "", BODY_FIELDS, ALL_TOP);
    RuntimeType type = enumValue(body, "type", RuntimeType.class);
    String name = string(body, "name");
    String profile = string(body, "profile");
    List<String> extensionIds = stringList(body, "extensionIds");
    Map<String, Object> metadata = metadata(body);
    RuntimeConfig config = config(body);
    if (problems.size() > before) {
      return null;
    }
    return new CreateRuntimeRequest(type, name, profile, extensionIds, metadata, config);
  }

  private RuntimeConfig config(Map<String, Object> body) {
    Map<String, Object> c = object(body, "config", "config");
    if (c == null) {
      return null;
    }
    unknown(c, "config", CONFIG, CONFIG);
    Fingerprint fp = null;
    Map<String, Object> f = object(c, "fingerprint", "config.fingerprint");
    if (f != null) {
      unknown(f, "config.fingerprint", FINGERPRINT, FINGERPRINT);
      fp = new Fingerprint(enumValue(f, "browser", "config.fingerprint.browser", FingerprintBrowser.class),
          enumValue(f, "locale", "config.fingerprint.locale", FingerprintLocale.class));
    }
    Boolean humanize = bool(c, "humanize", "config.humanize");
    Long persona = integer(c, "humanizePersonaId", "config.humanizePersonaId", Long.MIN_VALUE, Long.MAX_VALUE);
    Optional<Proxy> proxy = proxy(c);
    Boolean captchas = bool(c, "solveCaptchas", "config.solveCaptchas");
    Stealth stealth = enumValue(c, "stealth", "config.stealth", Stealth.class);
    return new RuntimeConfig(fp, humanize, persona, proxy, captchas, stealth);
  }

  private Optional<Proxy> proxy(Map<String, Object> c) {
    if (!c.containsKey("proxy")) {
      return null;
    }
    Object v = c.get("proxy");
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Map)) {
      wrongType("config.proxy", "must be an object (or null for no proxy)", v);
      return null;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) v;
    Object mode = p.get("mode");
    if (mode == null) {
      problems.add(new Problem("config.proxy.mode", "is required: custom or saved"));
      return null;
    }
    if ("custom".equals(mode)) {
      onlyFor(p, "config.proxy", SAVED, "mode saved", CUSTOM);
      String host = string(p, "host", "config.proxy.host");
      Long port = integer(p, "port", "config.proxy.port", 1, 65535);
      ProxyProtocol protocol = enumValue(p, "protocol", "config.proxy.protocol", ProxyProtocol.class);
      String user = string(p, "username", "config.proxy.username");
      String password = string(p, "password", "config.proxy.password");
      boolean ok = required(p, "host", "config.proxy.host", "a custom proxy")
          & required(p, "port", "config.proxy.port", "a custom proxy")
          & required(p, "protocol", "config.proxy.protocol", "a custom proxy");
      if (host != null && host.isBlank()) {
        problems.add(new Problem("config.proxy.host", "must not be empty"));
        ok = false;
      }
      if (!ok || host == null || port == null || protocol == null) {
        return null;
      }
      return Optional.of(new CustomProxy(host, port.intValue(), protocol, user, password));
    }
    if ("saved".equals(mode)) {
      onlyFor(p, "config.proxy", CUSTOM, "mode custom", SAVED);
      UUID id = null;
      Object idValue = p.get("id");
      if (idValue == null) {
        problems.add(new Problem("config.proxy.id", "is required for a saved proxy (its uuid)"));
      } else if (idValue instanceof String s && UUID_FORMAT.matcher(s).matches()) {
        id = UUID.fromString(s);
      } else {
        wrongType("config.proxy.id", "must be a uuid such as 0f8fad5b-d9cb-469f-a165-70867728950e", idValue);
      }
      ProxyOverrides overrides = overrides(p);
      return id == null ? null : Optional.of(new SavedProxy(id, overrides));
    }
    wrongType("config.proxy.mode", "must be one of custom, saved", mode);
    return null;
  }

  private ProxyOverrides overrides(Map<String, Object> p) {
    Map<String, Object> o = object(p, "overrides", "config.proxy.overrides");
    if (o == null) {
      return null;
    }
    String at = "config.proxy.overrides";
    unknown(o, at, OVERRIDES, OVERRIDES);
    Affinity affinity = null;
    Map<String, Object> a = object(o, "affinity", at + ".affinity");
    if (a != null) {
      unknown(a, at + ".affinity", AFFINITY, AFFINITY);
      Object strategy = a.get("strategy");
      String key = string(a, "key", at + ".affinity.key");
      if (strategy == null) {
        problems.add(new Problem(at + ".affinity.strategy", "is required: rotate or sticky"));
      } else if ("rotate".equals(strategy)) {
        if (a.containsKey("key")) {
          problems.add(new Problem(at + ".affinity.key", "is only for strategy sticky"));
        }
        affinity = new Affinity.Rotate();
      } else if ("sticky".equals(strategy)) {
        affinity = new Affinity.Sticky(key);
      } else {
        wrongType(at + ".affinity.strategy", "must be one of rotate, sticky", strategy);
      }
    }
    Geo geo = null;
    Map<String, Object> g = object(o, "geo", at + ".geo");
    if (g != null) {
      unknown(g, at + ".geo", GEO, GEO);
      geo = new Geo(string(g, "city", at + ".geo.city"), string(g, "country", at + ".geo.country"),
          string(g, "isp", at + ".geo.isp"), string(g, "region", at + ".geo.region"));
    }
    return new ProxyOverrides(affinity, geo,
        enumValue(o, "ipFamily", at + ".ipFamily", IpFamily.class),
        enumValue(o, "poolPreference", at + ".poolPreference", PoolPreference.class),
        enumValue(o, "protocol", at + ".protocol", ProxyProtocol.class));
  }

  private Map<String, Object> metadata(Map<String, Object> body) {
    Map<String, Object> m = object(body, "metadata", "metadata");
    if (m == null) {
      return null;
    }
    if (m.containsKey(CreateRuntimeRequest.PROVISIONER_KEY)) {
      problems.add(new Problem("metadata." + CreateRuntimeRequest.PROVISIONER_KEY,
          "is set by the provisioner (the item key); remove it"));
    }
    return m; // the request copies it
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private void unknown(Map<String, Object> m, String at, java.util.Collection<String> allowed, List<String> names) {
    for (String k : m.keySet()) {
      if (!allowed.contains(k)) {
        String field = at.isEmpty() ? k : at + "." + k;
        String near = Columns.nearest(k, names);
        problems.add(new Problem(field, "unknown field" + (near == null
            ? "; allowed here: " + String.join(", ", names)
            : "; did you mean \"" + (at.isEmpty() ? near : at + "." + near) + "\"?")));
      }
    }
  }

  private void onlyFor(Map<String, Object> p, String at, List<String> others, String variant, List<String> own) {
    for (String k : p.keySet()) {
      if (own.contains(k)) {
        continue;
      }
      if (others.contains(k)) {
        problems.add(new Problem(at + "." + k, "is only for " + variant));
      } else {
        String near = Columns.nearest(k, own);
        problems.add(new Problem(at + "." + k, "unknown field"
            + (near == null ? "; allowed here: " + String.join(", ", own) : "; did you mean \"" + at + "." + near + "\"?")));
      }
    }
  }

  private boolean required(Map<String, Object> m, String k, String field, String what) {
    if (m.get(k) == null) {
      problems.add(new Problem(field, "is required for " + what));
      return false;
    }
    return true;
  }

  private Map<String, Object> object(Map<String, Object> m, String k, String field) {
    Object v = m.get(k);
    if (v == null) {
      return null;
    }
    if (v instanceof Map) {
      @SuppressWarnings("unchecked")
      Map<String, Object> o = (Map<String, Object>) v;
      return o;
    }
    wrongType(field, "must be an object", v);
    return null;
  }

  private String string(Map<String, Object> m, String k) {
    return string(m, k, k);
  }

  private String string(Map<String, Object> m, String k, String field) {
    Object v = m.get(k);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    wrongType(field, "must be a string", v);
    return null;
  }

  private List<String> stringList(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> l)) {
      wrongType(k, "must be an array of strings", v);
      return null;
    }
    List<String> out = new ArrayList<>(l.size());
    for (int i = 0; i < l.size(); i++) {
      if (l.get(i) instanceof String s) {
        out.add(s);
      } else {
        wrongType(k + "[" + i + "]", "must be a string", l.get(i));
      }
    }
    return out;
  }

  private Boolean bool(Map<String, Object> m, String k, String field) {
    Object v = m.get(k);
    if (v == null || v instanceof Boolean) {
      return (Boolean) v;
    }
    wrongType(field, "must be true or false", v);
    return null;
  }

  private Long integer(Map<String, Object> m, String k, String field, long min, long max) {
    Object v = m.get(k);
    if (v == null) {
      return null;
    }
    boolean whole = min == Long.MIN_VALUE && max == Long.MAX_VALUE;
    if (v instanceof Long n && n >= min && n <= max) {
      return n;
    }
    wrongType(field, whole ? "must be an integer" + (v instanceof BigInteger ? " in the 64-bit range" : "")
        : "must be an integer " + min + ".." + max, v);
    return null;
  }

  private <E extends Enum<E> & WireEnum> E enumValue(Map<String, Object> m, String k, Class<E> type) {
    return enumValue(m, k, k, type);
  }

  private <E extends Enum<E> & WireEnum> E enumValue(Map<String, Object> m, String k, String field, Class<E> type) {
    Object v = m.get(k);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      Optional<E> e = WireEnum.fromWire(type, s);
      if (e.isPresent()) {
        return e.get();
      }
    }
    wrongType(field, "must be one of " + WireEnum.wireNames(type), v);
    return null;
  }

  /** "must be X, got <as written>"; falls back to the kind of value, never the value itself. */
  private void wrongType(String field, String must, Object effective) {
    // a proxy password is a secret even when written in the manifest: only its kind is shown
    String written = field.endsWith("password") ? null : asWritten.apply(field);
    String got = written != null ? written : Trees.kind(effective);
    if (effective instanceof BigDecimal && written == null) {
      got = "a number with a fraction";
    }
    problems.add(new Problem(field, must + ", got " + got));
  }
}
