package ai.bctrl.provisioner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bctrl.provisioner.sandbox.SchemaValidator.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class SchemaValidatorTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final SchemaValidator V = SchemaValidator.createRuntime(JSON);

  @Test
  void refusesASchemaWithAKeywordItDoesNotEvaluate() {
    assertThatThrownBy(() -> new SchemaValidator(JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"pattern\":\"x\"}}}")))
        .hasMessage("schema keyword pattern at #/properties/a is not supported");
    assertThatThrownBy(() -> new SchemaValidator(JSON.readTree("{\"$ref\":\"#/$defs/none\"}")))
        .hasMessage("schema $ref #/$defs/none points nowhere");
    assertThatThrownBy(() -> new SchemaValidator(JSON.readTree("{\"format\":\"email\"}")))
        .hasMessage("schema format \"email\" at # is not supported");
  }

  @Test
  void acceptsIntegersWrittenWithAZeroFraction() {
    assertThat(V.validate(JSON.readTree("{\"type\":\"browser\",\"config\":{\"humanizePersonaId\":3.0}}"))).isEmpty();
  }

  /**
   * Generated inputs: a valid body mutated at random (values replaced by values of other types,
   * fields added or removed) either validates or yields problems with a path and a message; the
   * evaluator never throws.
   */
  @Test
  void anyMutatedBodyEitherPassesOrYieldsProblemsNeverAnException() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    JsonNode valid = JSON.readTree("{\"type\":\"browser\",\"name\":\"n\",\"extensionIds\":[\"a\"],\"metadata\":{\"k\":1},"
        + "\"config\":{\"fingerprint\":{\"browser\":\"chrome\",\"locale\":\"en-US\"},\"humanize\":true,\"humanizePersonaId\":1,"
        + "\"stealth\":\"high\",\"proxy\":{\"mode\":\"saved\",\"id\":\"0b6e7a52-4c1f-4a9e-9a51-2f1c3d4e5f60\",\"overrides\":{"
        + "\"affinity\":{\"strategy\":\"sticky\",\"key\":\"s\"},\"geo\":{\"city\":\"c\"},\"ipFamily\":\"dual-stack\"}}}}");
    assertThat(V.validate(valid)).isEmpty();
    for (int i = 0; i < 2000; i++) {
      JsonNode body = valid.deepCopy();
      int mutations = 1 + rnd.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        body = mutate(body, rnd);
      }
      List<Problem> problems;
      try {
        problems = V.validate(body);
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ", body " + body + ": " + e, e);
      }
      for (Problem p : problems) {
        assertThat(p.path()).as("seed %d, body %s", seed, body).isNotEmpty();
        assertThat(p.message()).as("seed %d, body %s", seed, body).isNotEmpty();
      }
    }
  }

  private static JsonNode mutate(JsonNode root, Random rnd) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    if (containers.isEmpty()) {
      return JsonNodeFactory.instance.objectNode().put("type", "browser");
    }
    JsonNode target = containers.get(rnd.nextInt(containers.size()));
    JsonNode replacement = randomValue(rnd);
    if (target instanceof ObjectNode o) {
      List<String> names = new ArrayList<>(o.propertyNames());
      switch (rnd.nextInt(3)) {
        case 0 -> o.set("x" + rnd.nextInt(3), replacement);
        case 1 -> {
          if (!names.isEmpty()) {
            o.remove(names.get(rnd.nextInt(names.size())));
          }
        }
        default -> {
          if (!names.isEmpty()) {
            o.set(names.get(rnd.nextInt(names.size())), replacement);
          }
        }
      }
    } else if (target instanceof ArrayNode a) {
      a.add(replacement);
    }
    return rnd.nextInt(50) == 0 ? randomValue(rnd) : root;
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainer()) {
      out.add(n);
      n.values().forEach(c -> collect(c, out));
    }
  }

  private static JsonNode randomValue(Random rnd) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (rnd.nextInt(9)) {
      case 0 -> f.nullNode();
      case 1 -> f.booleanNode(rnd.nextBoolean());
      case 2 -> f.numberNode(rnd.nextInt(140000) - 70000);
      case 3 -> f.numberNode(rnd.nextDouble() * 10);
      case 4 -> f.stringNode(List.of("custom", "saved", "sticky", "rotate", "browser", "x", "").get(rnd.nextInt(7)));
      case 5 -> f.objectNode().put("mode", rnd.nextBoolean() ? "custom" : "saved");
      case 6 -> f.arrayNode().add(1);
      case 7 -> f.objectNode();
      default -> f.stringNode("0b6e7a52-4c1f-4a9e-9a51-2f1c3d4e5f60");
    };
  }
}
