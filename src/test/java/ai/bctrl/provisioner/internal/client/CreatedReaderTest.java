package ai.bctrl.provisioner.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.model.BrowserRuntime;
import ai.bctrl.provisioner.model.RuntimeStatus;
import ai.bctrl.provisioner.model.WireEnum;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The streaming reader of a create's answer reads what the tree of the whole answer gave, for
 * well-formed, odd, cut and mangled answers alike (generated from a seeded {@link Random}).
 */
class CreatedReaderTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final CreatedReader reader = new CreatedReader(JSON);

  private static final List<String> ANSWERS = List.of(
      // as the sandbox answers: nested objects the engine does not keep
      "{\"id\":\"f893a2ee\",\"name\":\"hello\",\"spaceId\":\"demo\",\"status\":\"active\",\"kind\":\"browser\","
          + "\"type\":\"browser\",\"backing\":{\"kind\":\"ephemeral\"},\"connections\":{\"cdp\":{\"available\":true},"
          + "\"rdp\":{\"available\":false}},\"capabilities\":[\"cdp\",\"cua\"],\"region\":\"sandbox-local-1\","
          + "\"createdAt\":\"2026-11-29T23:53:35.677Z\",\"updatedAt\":\"2026-11-29T23:53:35.677Z\","
          + "\"metadata\":{\"provisionerKey\":\"hello\"},\"activeRunId\":\"a7e8\",\"summary\":{\"browserRunning\":true,"
          + "\"currentDriver\":null}}",
      "{\"id\":\"rt_1\",\"status\":\"starting\",\"requestId\":\"req_1\",\"metadata\":{\"n\":1,\"big\":12345678901,"
          + "\"huge\":123456789012345678901234567890,\"f\":1.5,\"e\":-2.5e3,\"list\":[1,{\"x\":null},\"s\",true],"
          + "\"o\":{\"p\":{\"q\":[]}},\"t\":false,\"z\":null}}",
      "{\"id\":\"rt_2\",\"status\":\"no-such-status\",\"capabilities\":[\"cdp\",{\"name\":\"x\"},[1],7,null],"
          + "\"name\":17,\"region\":{\"a\":1},\"metadata\":[1,2]}",
      "{\"id\":\"rt_3\",\"id\":\"rt_3b\",\"metadata\":{\"a\":1},\"metadata\":\"later\",\"capabilities\":\"cdp\","
          + "\"requestId\":5,\"requestId\":\"req_last\"}",
      "{\"name\":\"no id\",\"requestId\":\"req_x\",\"status\":\"active\"}",
      "{\"id\":{\"nested\":\"x\"},\"requestId\":\"req_y\"}",
      "{\"id\":\"rt_4\",\"status\":\"failed\",\"metadata\":{},\"capabilities\":[]}",
      "{\"id\":\"rt_\\u00e9\\n\\\"q\\\"\",\"name\":\"caf\u00e9 \\ud83d\\ude00\",\"metadata\":{\"k\\u0041\":\"v\"}}",
      "  {\"id\":\"rt_5\"}  \n",
      "[{\"id\":\"rt_6\"}]",
      "\"just a string\"",
      "null",
      "42",
      "{}",
      "",
      "   ",
      "<html><body>502 Bad Gateway</body></html>");

  @Test
  void readsEveryWholeAnswerAsTheTreeDid() {
    for (String a : ANSWERS) {
      assertSame(a);
    }
  }

  @Test
  void readsEveryCutAnswerAsTheTreeDid() {
    for (String a : ANSWERS) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      for (int n = 0; n <= b.length; n++) {
        assertSame(java.util.Arrays.copyOf(b, n));
      }
    }
  }

  @Test
  void readsAnswersWithTrailingContentAsTheTreeDid() {
    for (String tail : List.of(" x", " {}", "{\"id\":\"other\"}", ",", "]", " null", "\n\n", "}")) {
      for (String a : ANSWERS) {
        assertSame(a + tail);
      }
    }
  }

  @Test
  void readsMangledAnswersAsTheTreeDid() {
    long seed = 20261202L;
    Random random = new Random(seed);
    String alphabet = "{}[]\",:0123456789.-eE \\truenfalsxyzid";
    for (int i = 0; i < 20_000; i++) {
      char[] c = ANSWERS.get(random.nextInt(ANSWERS.size())).toCharArray();
      if (c.length == 0) {
        continue;
      }
      int edits = 1 + random.nextInt(3);
      for (int k = 0; k < edits; k++) {
        c[random.nextInt(c.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      String mangled = new String(c);
      assertThat(read(mangled)).as("seed %d, input %s", seed, mangled).isEqualTo(reference(bytes(mangled)));
    }
  }

  private void assertSame(String answer) {
    assertSame(bytes(answer));
  }

  private void assertSame(byte[] answer) {
    assertThat(reader.read(answer)).as("input %s", new String(answer, StandardCharsets.UTF_8))
        .isEqualTo(reference(answer));
  }

  private CreatedReader.Created read(String answer) {
    return reader.read(bytes(answer));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- the tree reading it replaced

  private static CreatedReader.Created reference(byte[] body) {
    JsonNode node;
    try {
      node = body.length == 0 ? null : JSON.readTree(body);
    } catch (JacksonException e) {
      node = null;
    }
    if (node == null) {
      return CreatedReader.NOTHING;
    }
    return new CreatedReader.Created(toRuntime(node), text(node, "requestId"));
  }

  @SuppressWarnings("unchecked")
  private static BrowserRuntime toRuntime(JsonNode n) {
    if (n == null || !n.isObject() || text(n, "id") == null) {
      return null;
    }
    String status = text(n, "status");
    Map<String, Object> metadata = null;
    JsonNode m = n.get("metadata");
    if (m != null && m.isObject()) {
      metadata = JSON.convertValue(m, LinkedHashMap.class);
    }
    List<String> caps = null;
    JsonNode c = n.get("capabilities");
    if (c != null && c.isArray()) {
      caps = new ArrayList<>();
      for (JsonNode x : c) {
        if (x.isString()) {
          caps.add(x.asString());
        }
      }
    }
    return new BrowserRuntime(text(n, "id"), text(n, "name"), text(n, "spaceId"),
        status == null ? null : WireEnum.fromWire(RuntimeStatus.class, status).orElse(null),
        text(n, "kind"), text(n, "type"), text(n, "region"), text(n, "createdAt"), text(n, "updatedAt"),
        caps, metadata);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isString() ? null : v.asString();
  }
}
