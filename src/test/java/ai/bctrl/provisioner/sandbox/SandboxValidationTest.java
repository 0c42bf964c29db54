package ai.bctrl.provisioner.sandbox;

import static ai.bctrl.provisioner.sandbox.SandboxHttp.json;
import static ai.bctrl.provisioner.sandbox.SandboxHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** One test per family of schema rule, through real HTTP; each asserts every problem is listed. */
class SandboxValidationTest {
  static SandboxServer server;

  @BeforeAll
  static void start() {
    server = SandboxServer.start(SandboxServerTest.base().build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static final String SAVED_ID = "0b6e7a52-4c1f-4a9e-9a51-2f1c3d4e5f60";

  /** Posts {@code body} and returns its 400's details as "path: message" lines. */
  static List<String> problems(String body) {
    return problems("sp", body);
  }

  static List<String> problems(String space, String body) {
    HttpResponse<String> r = post(server, space, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode n = json(r);
    assertThat(n.get("code").stringValue()).isEqualTo("request.invalid");
    assertThat(n.get("reasonClass").stringValue()).isEqualTo("invalid_input");
    assertThat(n.get("requestId").stringValue()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
    assertThat(n.get("error").stringValue()).startsWith("Invalid request: ");
    List<String> out = new ArrayList<>();
    n.get("details").forEach(d -> out.add(d.get("path").stringValue() + ": " + d.get("message").stringValue()));
    return out;
  }

  @Test
  void acceptsAFullyValidBodyWithEveryField() {
    String body = "{\"type\":\"browser\",\"name\":\"n\",\"profile\":\"p\",\"extensionIds\":[\"a\",\"b\"],"
        + "\"metadata\":{\"anything\":{\"goes\":[1,null,true]}},"
        + "\"config\":{\"fingerprint\":{\"browser\":\"chrome\",\"locale\":\"zh-TW\"},\"humanize\":false,"
        + "\"humanizePersonaId\":12345678901,\"solveCaptchas\":true,\"stealth\":\"ultra\","
        + "\"proxy\":{\"mode\":\"saved\",\"id\":\"" + SAVED_ID + "\",\"overrides\":{"
        + "\"affinity\":{\"strategy\":\"sticky\",\"key\":\"s1\"},\"geo\":{\"city\":\"Berlin\",\"country\":\"DE\",\"isp\":\"x\",\"region\":\"BE\"},"
        + "\"ipFamily\":\"ipv4-only\",\"poolPreference\":\"quality-speed\",\"protocol\":\"socks5\"}}}}";
    assertThat(post(server, "sp", body).statusCode()).isEqualTo(200);
    assertThat(post(server, "sp", "{\"type\":\"browser\",\"config\":{\"proxy\":null}}").statusCode()).isEqualTo(200);
    assertThat(post(server, "sp", "{\"type\":\"browser\",\"config\":{\"proxy\":{\"mode\":\"saved\",\"id\":\""
        + SAVED_ID + "\",\"overrides\":{\"affinity\":{\"strategy\":\"rotate\"}}}}}").statusCode()).isEqualTo(200);
  }

  @Test
  void listsEveryValueOutsideItsEnum() {
    assertThat(problems("{\"type\":\"desktop\",\"config\":{\"stealth\":\"max\",\"fingerprint\":{\"browser\":\"firefox\",\"locale\":\"en-us\"},"
        + "\"proxy\":{\"mode\":\"custom\",\"host\":\"h\",\"port\":1,\"protocol\":\"https\"}}}"))
        .containsExactly(
            "type: must be one of browser, got \"desktop\"",
            "config.stealth: must be one of medium, high, ultra, got \"max\"",
            "config.fingerprint.browser: must be one of chrome, edge, got \"firefox\"",
            "config.fingerprint.locale: must be one of en-US, en-GB, de-DE, fr-FR, es-ES, es-MX, it-IT, nl-NL, pt-BR, "
                + "pt-PT, pl-PL, tr-TR, sv-SE, da-DK, nb-NO, fi-FI, ja-JP, ko-KR, zh-CN, zh-TW, got \"en-us\"",
            "config.proxy.protocol: must be one of http, socks5, got \"https\"");
  }

  @Test
  void listsEveryValueOfTheWrongType() {
    assertThat(problems("{\"type\":\"browser\",\"name\":5,\"profile\":false,\"extensionIds\":[\"a\",3,{}],\"metadata\":[],"
        + "\"config\":{\"humanize\":\"yes\",\"humanizePersonaId\":1.5,\"solveCaptchas\":null,\"fingerprint\":\"chrome\"}}"))
        .containsExactly(
            "name: must be a string, got 5",
            "profile: must be a string, got false",
            "extensionIds[1]: must be a string, got 3",
            "extensionIds[2]: must be a string, got an object",
            "metadata: must be an object, got an array",
            "config.humanize: must be a boolean, got \"yes\"",
            "config.humanizePersonaId: must be an integer, got 1.5",
            "config.solveCaptchas: must be a boolean, got null",
            "config.fingerprint: must be an object, got \"chrome\"");
    assertThat(problems("[{\"type\":\"browser\"}]")).containsExactly("$: must be an object, got an array");
    assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":{\"mode\":\"custom\",\"host\":\"h\",\"port\":\"8080\","
        + "\"protocol\":\"http\",\"password\":1234}}}"))
        .containsExactly(
            "config.proxy.port: must be an integer, got \"8080\"",
            "config.proxy.password: must be a string, got a number");
  }

  @Test
  void listsEveryMissingRequiredField() {
    assertThat(problems("{\"config\":{\"proxy\":{\"mode\":\"custom\"}}}"))
        .containsExactly(
            "type: is required",
            "config.proxy.host: is required",
            "config.proxy.port: is required",
            "config.proxy.protocol: is required");
    assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":{\"mode\":\"saved\",\"overrides\":{\"affinity\":{}}}}}"))
        .containsExactly(
            "config.proxy.id: is required",
            "config.proxy.overrides.affinity.strategy: is required: one of rotate, sticky");
  }

  @Test
  void choosesTheProxyAndAffinityVariantByTheirDiscriminator() {
    assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":{\"host\":\"h\",\"port\":80}}}"))
        .containsExactly("config.proxy.mode: is required: one of custom, saved");
    assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":{\"mode\":\"auto\"}}}"))
        .containsExactly("config.proxy.mode: must be one of custom, saved, got \"auto\"");
    assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":{\"mode\":\"saved\",\"id\":\"" + SAVED_ID
        + "\",\"host\":\"h\",\"overrides\":{\"affinity\":{\"strategy\":\"rotate\",\"key\":\"k\"}}}}}"))
        .containsExactly(
            "config.proxy.host: is not a known field; known fields are mode, id, overrides",
            "config.proxy.overrides.affinity.key: is not a known field; known fields are strategy");
    assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":{\"mode\":\"saved\",\"id\":\"" + SAVED_ID
        + "\",\"overrides\":{\"affinity\":{\"strategy\":\"sticky\",\"key\":5}}}}}"))
        .containsExactly("config.proxy.overrides.affinity.key: must be a string, got 5");
    assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":\"none\"}}"))
        .containsExactly("config.proxy: must be an object or null, got \"none\"");
  }

  @Test
  void requiresTheSavedProxyIdToBeAUuid() {
    assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":{\"mode\":\"saved\",\"id\":\"proxy-1\"}}}"))
        .containsExactly("config.proxy.id: must be a uuid, got \"proxy-1\"");
    assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":{\"mode\":\"saved\",\"id\":\"" + SAVED_ID + "0\"}}}"))
        .containsExactly("config.proxy.id: must be a uuid, got \"" + SAVED_ID + "0\"");
  }

  @Test
  void rejectsEveryUnknownFieldOutsideMetadata() {
    assertThat(problems("{\"type\":\"browser\",\"colour\":\"red\",\"metadata\":{\"free\":{\"form\":1}},"
        + "\"config\":{\"stealh\":\"high\",\"fingerprint\":{\"os\":\"mac\"},\"proxy\":{\"mode\":\"saved\",\"id\":\"" + SAVED_ID
        + "\",\"overrides\":{\"geo\":{\"zip\":\"1\"},\"speed\":1}}}}"))
        .containsExactly(
            "colour: is not a known field; known fields are type, name, profile, extensionIds, metadata, config",
            "config.stealh: is not a known field; known fields are fingerprint, humanize, humanizePersonaId, proxy, solveCaptchas, stealth",
            "config.fingerprint.os: is not a known field; known fields are browser, locale",
            "config.proxy.overrides.geo.zip: is not a known field; known fields are city, country, isp, region",
            "config.proxy.overrides.speed: is not a known field; known fields are affinity, geo, ipFamily, poolPreference, protocol");
  }

  @Test
  void requiresProxyPortsIn1To65535() {
    for (String port : List.of("0", "65536", "-1")) {
      assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":{\"mode\":\"custom\",\"host\":\"h\",\"port\":" + port
          + ",\"protocol\":\"http\"}}}"))
          .containsExactly("config.proxy.port: must be in 1..65535, got " + port);
    }
    assertThat(post(server, "sp", "{\"type\":\"browser\",\"config\":{\"proxy\":{\"mode\":\"custom\",\"host\":\"h\",\"port\":65535,"
        + "\"protocol\":\"http\"}}}").statusCode()).isEqualTo(200);
  }

  @Test
  void answersMalformedOrMissingJsonWith400() {
    List<String> p = problems("{\"type\":\"browser\",");
    assertThat(p).hasSize(1);
    assertThat(p.get(0)).startsWith("$: malformed JSON: ").contains("(line 1, column ");
    assertThat(problems("{\"type\":\"browser\",\"config\":{\"proxy\":{\"password\":hunter2}}}").get(0))
        .startsWith("$: malformed JSON: ").doesNotContain("hunter2");
    assertThat(problems("")).containsExactly("$: a JSON body is required");
    assertThat(problems("{\"type\":\"browser\"} {}").get(0)).startsWith("$: malformed JSON: ");
  }

  @Test
  void rejectsAnEmptySpaceId() {
    assertThat(problems("", "{\"type\":\"browser\"}")).containsExactly("id: space id must not be empty");
  }
}
