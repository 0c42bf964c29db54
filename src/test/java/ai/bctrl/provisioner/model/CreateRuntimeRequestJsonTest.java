package ai.bctrl.provisioner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class CreateRuntimeRequestJsonTest {
  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void aMinimalRequestSerialisesToItsTypeAlone() {
    var r = new CreateRuntimeRequest(null, null, null, null, null, null);
    assertThat(json.writeValueAsString(r)).isEqualTo("{\"type\":\"browser\"}");
  }

  @Test
  void aFullCustomProxyRequestSerialisesWithWireNamesAndTypes() {
    var r = new CreateRuntimeRequest(RuntimeType.BROWSER, "n", "p", List.of("e1", "e2"), Map.of("team", "a"),
        new RuntimeConfig(new Fingerprint(FingerprintBrowser.EDGE, FingerprintLocale.EN_US), true, 7L,
            Optional.of(new CustomProxy("h", 8080, ProxyProtocol.SOCKS5, "u", "pw")), false, Stealth.ULTRA));
    assertThat(json.writeValueAsString(r)).isEqualTo(
        "{\"type\":\"browser\",\"name\":\"n\",\"profile\":\"p\",\"extensionIds\":[\"e1\",\"e2\"],"
            + "\"metadata\":{\"team\":\"a\"},\"config\":{\"fingerprint\":{\"browser\":\"edge\",\"locale\":\"en-US\"},"
            + "\"humanize\":true,\"humanizePersonaId\":7,\"proxy\":{\"host\":\"h\",\"port\":8080,\"protocol\":\"socks5\","
            + "\"username\":\"u\",\"password\":\"pw\",\"mode\":\"custom\"},\"solveCaptchas\":false,\"stealth\":\"ultra\"}}");
  }

  @Test
  void anExplicitNullProxyIsSentAsNullAndAnAbsentOneIsLeftOut() {
    var none = new CreateRuntimeRequest(null, null, null, null, null,
        new RuntimeConfig(null, null, null, Optional.empty(), null, null));
    var absent = new CreateRuntimeRequest(null, null, null, null, null,
        new RuntimeConfig(null, null, null, null, null, Stealth.HIGH));
    assertThat(json.writeValueAsString(none)).isEqualTo("{\"type\":\"browser\",\"config\":{\"proxy\":null}}");
    assertThat(json.writeValueAsString(absent)).isEqualTo("{\"type\":\"browser\",\"config\":{\"stealth\":\"high\"}}");
  }

  @Test
  void aSavedProxyWithOverridesRoundTrips() {
    var id = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    var p = new SavedProxy(id, new ProxyOverrides(new Affinity.Sticky("k"), new Geo("Berlin", "DE", null, null),
        IpFamily.IPV4_ONLY, PoolPreference.QUALITY_SPEED, ProxyProtocol.HTTP));
    var r = new CreateRuntimeRequest(null, null, null, null, null, new RuntimeConfig(null, null, null, Optional.of(p), null, null));
    String s = json.writeValueAsString(r);
    assertThat(s).contains("\"mode\":\"saved\"", "\"strategy\":\"sticky\"", "\"ipFamily\":\"ipv4-only\"",
        "\"poolPreference\":\"quality-speed\"", "\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\"");
    assertThat(json.readValue(s, CreateRuntimeRequest.class)).isEqualTo(r);
  }

  @Test
  void theProvisionerKeyIsStampedIntoMetadataWithoutTouchingTheRest() {
    var r = new CreateRuntimeRequest(null, "n", null, null, Map.of("team", "a"), null).withProvisionerKey("b:k#2");
    assertThat(r.metadata()).containsEntry("team", "a").containsEntry("provisionerKey", "b:k#2");
    assertThat(r.provisionerKey()).isEqualTo("b:k#2");
  }

  @Test
  void aCustomProxyNeverShowsItsPasswordInToString() {
    assertThat(new CustomProxy("h", 1, ProxyProtocol.HTTP, "u", "s3cret").toString()).doesNotContain("s3cret");
  }

  @Test
  void anUnknownEnumWireNameNamesTheAllowedValues() {
    assertThatThrownBy(() -> Stealth.of("max")).hasMessage("must be one of medium, high, ultra, got \"max\"");
  }
}
