package ai.bctrl.provisioner.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A small JSON Schema evaluator, written apart from the client's model classes so that a bug shared
 * by both cannot pass unseen. It knows exactly the keywords the sandbox's schema file uses: local
 * {@code $ref}, {@code type}, {@code enum}, {@code properties}, {@code required}, {@code
 * additionalProperties}, {@code items}, {@code oneOf} (with {@code discriminator.propertyName}),
 * {@code format: uuid}, {@code minimum} and {@code maximum}; any other keyword in the file is
 * rejected when it is loaded, so the file cannot silently promise more than is checked. It reports
 * every problem, each with a dot path ({@code config.proxy.port}, {@code extensionIds[2]}; {@code
 * $} for the body itself).
 */
final class SchemaValidator {

  /** One violation: where, and what is wrong. */
  record Problem(String path, String message) {}

  static final String CREATE_RUNTIME_SCHEMA = "create-runtime.schema.json";

  private static final java.util.Set<String> KNOWN =
      java.util.Set.of(
          "$comment", "$ref", "$defs", "type", "enum", "properties", "required",
          "additionalProperties", "items", "oneOf", "discriminator", "format", "minimum", "maximum",
          "description");

  private static final Pattern UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final JsonNode root;

  SchemaValidator(JsonNode root) {
    this.root = root;
    checkKeywords(root, "#");
  }

  /** The create-runtime request schema kept beside this class. */
  static SchemaValidator createRuntime(ObjectMapper json) {
    try (InputStream in = SchemaValidator.class.getResourceAsStream(CREATE_RUNTIME_SCHEMA)) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + CREATE_RUNTIME_SCHEMA + " is missing");
      }
      return new SchemaValidator(json.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every problem of {@code value}; empty when it is valid. */
  List<Problem> validate(JsonNode value) {
    List<Problem> out = new ArrayList<>();
    check(root, value, "", out);
    return out;
  }

  private void check(JsonNode schema, JsonNode value, String path, List<Problem> out) {
    schema = resolve(schema);
    JsonNode type = schema.get("type");
    if (type != null && !typeMatches(type, value)) {
      out.add(problem(path, "must be " + typeNames(type) + ", got " + shown(path, value)));
      return;
    }
    JsonNode en = schema.get("enum");
    if (en != null && !contains(en, value)) {
      out.add(problem(path, "must be one of " + join(en) + ", got " + shown(path, value)));
      return;
    }
    JsonNode format = schema.get("format");
    if (format != null && "uuid".equals(format.stringValue()) && value.isString()
        && !UUID.matcher(value.stringValue()).matches()) {
      out.add(problem(path, "must be a uuid, got " + shown(path, value)));
    }
    if (value.isNumber()) {
      checkRange(schema, value, path, out);
    }
    if (value.isObject()) {
      checkObject(schema, value, path, out);
    }
    JsonNode items = schema.get("items");
    if (items != null && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        check(items, value.get(i), path + "[" + i + "]", out);
      }
    }
    JsonNode oneOf = schema.get("oneOf");
    if (oneOf != null) {
      checkOneOf(schema, oneOf, value, path, out);
    }
  }

  private void checkRange(JsonNode schema, JsonNode value, String path, List<Problem> out) {
    JsonNode min = schema.get("minimum");
    JsonNode max = schema.get("maximum");
    if (min == null && max == null) {
      return;
    }
    BigDecimal v = value.decimalValue();
    boolean low = min != null && v.compareTo(min.decimalValue()) < 0;
    boolean high = max != null && v.compareTo(max.decimalValue()) > 0;
    if (low || high) {
      String range =
          min != null && max != null
              ? "in " + min + ".." + max
              : min != null ? ">= " + min : "<= " + max;
      out.add(problem(path, "must be " + range + ", got " + shown(path, value)));
    }
  }

  private void checkObject(JsonNode schema, JsonNode value, String path, List<Problem> out) {
    JsonNode props = schema.get("properties");
    JsonNode required = schema.get("required");
    if (required != null) {
      for (JsonNode r : required) {
        if (!value.has(r.stringValue())) {
          out.add(problem(child(path, r.stringValue()), "is required"));
        }
      }
    }
    if (props == null && schema.get("additionalProperties") == null) {
      return; // e.g. metadata: any object; or a oneOf holder whose variants check the members
    }
    JsonNode additional = schema.get("additionalProperties");
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      JsonNode ps = props == null ? null : props.get(e.getKey());
      if (ps != null) {
        check(ps, e.getValue(), child(path, e.getKey()), out);
      } else if (additional != null && additional.isBoolean() && !additional.booleanValue()) {
        out.add(
            problem(
                child(path, e.getKey()),
                "is not a known field"
                    + (props == null ? "" : "; known fields are " + String.join(", ", props.propertyNames()))));
      } else if (additional != null && additional.isObject()) {
        check(additional, e.getValue(), child(path, e.getKey()), out);
      }
    }
  }

  private void checkOneOf(JsonNode schema, JsonNode oneOf, JsonNode value, String path, List<Problem> out) {
    JsonNode disc = schema.path("discriminator").get("propertyName");
    if (disc != null && value.isObject()) {
      String prop = disc.stringValue();
      List<String> names = new ArrayList<>();
      JsonNode chosen = null;
      JsonNode given = value.get(prop);
      for (JsonNode variant : oneOf) {
        JsonNode v = resolve(variant);
        for (JsonNode name : v.path("properties").path(prop).path("enum")) {
          names.add(name.stringValue());
          if (given != null && name.equals(given)) {
            chosen = v;
          }
        }
      }
      if (chosen != null) {
        check(chosen, value, path, out);
      } else if (given == null) {
        out.add(problem(child(path, prop), "is required: one of " + String.join(", ", names)));
      } else {
        out.add(
            problem(
                child(path, prop),
                "must be one of " + String.join(", ", names) + ", got " + describe(given)));
      }
      return;
    }
    List<JsonNode> candidates = new ArrayList<>();
    for (JsonNode variant : oneOf) {
      JsonNode v = resolve(variant);
      JsonNode t = v.get("type");
      if (t == null || typeMatches(t, value)) {
        candidates.add(v);
      }
    }
    if (candidates.isEmpty()) {
      List<String> types = new ArrayList<>();
      for (JsonNode variant : oneOf) {
        JsonNode t = resolve(variant).get("type");
        if (t != null) {
          types.add(typeNames(t));
        }
      }
      out.add(problem(path, "must be " + String.join(" or ", types) + ", got " + shown(path, value)));
      return;
    }
    List<Problem> first = null;
    int passing = 0;
    for (JsonNode c : candidates) {
      List<Problem> ps = new ArrayList<>();
      check(c, value, path, ps);
      if (ps.isEmpty()) {
        passing++;
      } else if (first == null) {
        first = ps;
      }
    }
    if (passing == 0) {
      out.addAll(first);
    } else if (passing > 1) {
      out.add(problem(path, "matches more than one variant"));
    }
  }

  private JsonNode resolve(JsonNode schema) {
    JsonNode s = schema;
    for (int depth = 0; s.has("$ref"); depth++) {
      if (depth > 32) {
        throw new IllegalStateException("schema $ref loop at " + schema.get("$ref"));
      }
      String ref = s.get("$ref").stringValue();
      if (!ref.startsWith("#/")) {
        throw new IllegalStateException("only local $ref are supported, got " + ref);
      }
      JsonNode target = root.at(ref.substring(1));
      if (target.isMissingNode()) {
        throw new IllegalStateException("schema $ref " + ref + " points nowhere");
      }
      s = target;
    }
    return s;
  }

  private void checkKeywords(JsonNode schema, String where) {
    if (!schema.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : schema.properties()) {
      String k = e.getKey();
      if (!KNOWN.contains(k)) {
        throw new IllegalStateException("schema keyword " + k + " at " + where + " is not supported");
      }
      switch (k) {
        case "$ref" -> resolve(schema);
        case "$defs", "properties" -> {
          for (Map.Entry<String, JsonNode> d : e.getValue().properties()) {
            checkKeywords(d.getValue(), where + "/" + k + "/" + d.getKey());
          }
        }
        case "items", "additionalProperties" -> checkKeywords(e.getValue(), where + "/" + k);
        case "oneOf" -> {
          int i = 0;
          for (JsonNode v : e.getValue()) {
            checkKeywords(v, where + "/oneOf/" + i++);
          }
        }
        case "format" -> {
          if (!"uuid".equals(e.getValue().stringValue())) {
            throw new IllegalStateException("schema format " + e.getValue() + " at " + where + " is not supported");
          }
        }
        default -> {}
      }
    }
  }

  private static boolean typeMatches(JsonNode type, JsonNode value) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (typeMatches(t.stringValue(), value)) {
          return true;
        }
      }
      return false;
    }
    return typeMatches(type.stringValue(), value);
  }

  private static boolean typeMatches(String type, JsonNode v) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isString();
      case "boolean" -> v.isBoolean();
      case "null" -> v.isNull();
      case "number" -> v.isNumber();
      case "integer" -> v.isIntegralNumber() || (v.isNumber() && isWhole(v.decimalValue()));
      default -> throw new IllegalStateException("schema type " + type + " is not supported");
    };
  }

  private static boolean isWhole(BigDecimal d) {
    return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
  }

  private static String typeNames(JsonNode type) {
    if (type.isArray()) {
      List<String> names = new ArrayList<>();
      type.forEach(t -> names.add(typeName(t.stringValue())));
      return String.join(" or ", names);
    }
    return typeName(type.stringValue());
  }

  private static String typeName(String t) {
    return switch (t) {
      case "object" -> "an object";
      case "array" -> "an array";
      case "integer" -> "an integer";
      case "null" -> "null";
      default -> "a " + t;
    };
  }

  private static boolean contains(JsonNode en, JsonNode value) {
    for (JsonNode e : en) {
      if (e.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String join(JsonNode en) {
    List<String> out = new ArrayList<>();
    en.forEach(e -> out.add(e.isString() ? e.stringValue() : e.toString()));
    return out.stream().collect(Collectors.joining(", "));
  }

  /** The value as a message shows it: strings quoted (cut at 60 characters), containers by kind. */
  static String describe(JsonNode v) {
    if (v.isString()) {
      String s = v.stringValue();
      if (s.length() > 60) {
        s = s.substring(0, 57) + "...";
      }
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return "an array";
    }
    return v.toString();
  }

  /** {@link #describe}, except that a password's value is never echoed, only its kind. */
  private static String shown(String path, JsonNode v) {
    if (path.endsWith("password")) {
      return v.isString() ? "a string" : v.isNumber() ? "a number" : describe(v);
    }
    return describe(v);
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static Problem problem(String path, String message) {
    return new Problem(path.isEmpty() ? "$" : path, message);
  }
}
