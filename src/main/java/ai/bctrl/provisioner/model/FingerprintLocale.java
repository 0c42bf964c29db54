package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code config.fingerprint.locale}. */
public enum FingerprintLocale implements WireEnum {
  EN_US("en-US"),
  EN_GB("en-GB"),
  DE_DE("de-DE"),
  FR_FR("fr-FR"),
  ES_ES("es-ES"),
  ES_MX("es-MX"),
  IT_IT("it-IT"),
  NL_NL("nl-NL"),
  PT_BR("pt-BR"),
  PT_PT("pt-PT"),
  PL_PL("pl-PL"),
  TR_TR("tr-TR"),
  SV_SE("sv-SE"),
  DA_DK("da-DK"),
  NB_NO("nb-NO"),
  FI_FI("fi-FI"),
  JA_JP("ja-JP"),
  KO_KR("ko-KR"),
  ZH_CN("zh-CN"),
  ZH_TW("zh-TW");

  private final String wire;

  FingerprintLocale(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /** Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values. */
  @JsonCreator
  public static FingerprintLocale of(String wire) {
    return WireEnum.fromWire(FingerprintLocale.class, wire)
        .orElseThrow(() -> new IllegalArgumentException(
            "must be one of " + WireEnum.wireNames(FingerprintLocale.class) + ", got \"" + wire + "\""));
  }

  @Override
  public String toString() {
    return wire;
  }
}
