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
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
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

  private final JsonMapper json;
  /** Reads {@code metadata} in place: the rest of the answer follows it, so it is no trailing token. */
  private final ObjectReader metadataReader;

  CreatedReader(JsonMapper json) {
    this.json = json;
    this.metadataReader =
        json.readerFor(LinkedHashMap.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  Created read(byte[] body) {
    if (body.length == 0) {
      return NOTHING;
    }
    try (JsonParser p = json.createParser(body)) {
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
            metadata = metadataReader.readValue(p);
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
