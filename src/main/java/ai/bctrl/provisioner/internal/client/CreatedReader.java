package ai.bctrl.provisioner.internal.client;

import ai.bctrl.provisioner.model.BrowserRuntime;
import ai.bctrl.provisioner.model.RuntimeStatus;
import ai.bctrl.provisioner.model.WireEnum;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a create's 2xx answer in one pass of a streaming parser, building only what the engine
 * keeps: the runtime's fields and the {@code requestId}; every other value is skipped unread. It
 * reads exactly what a tree of the whole answer would give (the last of a repeated field wins; a
 * field of the wrong type reads as absent; a body that does not parse as a whole, trailing tokens
 * included, gives nothing), at a fraction of the cost: no tree, no conversion of {@code metadata}.
 */
final class CreatedReader {

  /** What a 2xx answer held: a runtime ({@code null} when it is not one) and the body's requestId. */
  record Created(BrowserRuntime runtime, String requestId) {}

  static final Created NOTHING = new Created(null, null);

  /** The mapper's own token factory: a parser of it alone, without a deserialization context per answer. */
  private final TokenStreamFactory tokens;

  CreatedReader(JsonMapper json) {
    this.tokens = json.tokenStreamFactory();
  }

  Created read(byte[] body) {
    if (body.length == 0) {
      return NOTHING;
    }
    try (JsonParser p = tokens.createParser(ObjectReadContext.empty(), body)) {
      return p.nextToken() == JsonToken.START_OBJECT ? object(p) : NOTHING;
    } catch (JacksonException e) {
      return NOTHING;
    }
  }

  @SuppressWarnings("unchecked")
  private Created object(JsonParser p) {
    String id = null;
    String name = null;
    String spaceId = null;
    String status = null;
    String kind = null;
    String type = null;
    String region = null;
    String createdAt = null;
    String updatedAt = null;
    String requestId = null;
    List<String> capabilities = null;
    Map<String, Object> metadata = null;
    for (String field = p.nextName(); field != null; field = p.nextName()) {
      JsonToken t = p.nextToken();
      switch (field) {
        case "id" -> id = string(p, t);
        case "name" -> name = string(p, t);
        case "spaceId" -> spaceId = string(p, t);
        case "status" -> status = string(p, t);
        case "kind" -> kind = string(p, t);
        case "type" -> type = string(p, t);
        case "region" -> region = string(p, t);
        case "createdAt" -> createdAt = string(p, t);
        case "updatedAt" -> updatedAt = string(p, t);
        case "requestId" -> requestId = string(p, t);
        case "capabilities" -> capabilities = strings(p, t);
        case "metadata" -> {
          if (t == JsonToken.START_OBJECT) {
            metadata = (Map<String, Object>) untyped(p, t);
          } else {
            p.skipChildren();
            metadata = null;
          }
        }
        default -> p.skipChildren();
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
      return NOTHING; // trailing content: the answer as a whole is not JSON
    }
    if (id == null) {
      return new Created(null, requestId);
    }
    return new Created(new BrowserRuntime(id, name, spaceId,
        status == null ? null : WireEnum.fromWire(RuntimeStatus.class, status).orElse(null),
        kind, type, region, createdAt, updatedAt, capabilities, metadata), requestId);
  }

  /**
   * A value as databind reads one into {@code Object}: objects as {@code LinkedHashMap} (the last
   * of a repeated name wins), arrays as {@code ArrayList}, integers as the smallest of {@code
   * Integer}, {@code Long} and {@code BigInteger} that holds them, other numbers as {@code Double}.
   */
  private static Object untyped(JsonParser p, JsonToken t) {
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String name = p.nextName(); name != null; name = p.nextName()) {
          m.put(name, untyped(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          l.add(untyped(p, e));
        }
        return l;
      }
      case VALUE_STRING:
        return p.getString();
      case VALUE_NUMBER_INT:
        return p.getNumberValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  private static String string(JsonParser p, JsonToken t) {
    if (t == JsonToken.VALUE_STRING) {
      return p.getString();
    }
    p.skipChildren();
    return null;
  }

  /** The strings of an array, skipping what is not a string; {@code null} when it is not an array. */
  private static List<String> strings(JsonParser p, JsonToken t) {
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      if (e == JsonToken.VALUE_STRING) {
        out.add(p.getString());
      } else {
        p.skipChildren();
      }
    }
    return out;
  }
}
