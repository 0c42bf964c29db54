package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code config.fingerprint.locale}. */
public enum FingerprintLocale implements WireEnum {
  /** {@code en-US}: English as spoken in the United States. */
  EN_US("en-US"),
  /** {@code en-GB}: English as spoken in the United Kingdom. */
  EN_GB("en-GB"),
  /** {@code de-DE}: German as spoken in Germany. */
  DE_DE("de-DE"),
  /** {@code fr-FR}: French as spoken in France. */
  FR_FR("fr-FR"),
  /** {@code es-ES}: Spanish as spoken in Spain. */
  ES_ES("es-ES"),
  /** {@code es-MX}: Spanish as spoken in Mexico. */
  ES_MX("es-MX"),
  /** {@code it-IT}: Italian as spoken in Italy. */
  IT_IT("it-IT"),
  /** {@code nl-NL}: Dutch as spoken in the Netherlands. */
  NL_NL("nl-NL"),
  /** {@code pt-BR}: Portuguese as spoken in Brazil. */
  PT_BR("pt-BR"),
  /** {@code pt-PT}: Portuguese as spoken in Portugal. */
  PT_PT("pt-PT"),
  /** {@code pl-PL}: Polish as spoken in Poland. */
  PL_PL("pl-PL"),
  /** {@code tr-TR}: Turkish as spoken in Turkey. */
  TR_TR("tr-TR"),
  /** {@code sv-SE}: Swedish as spoken in Sweden. */
  SV_SE("sv-SE"),
  /** {@code da-DK}: Danish as spoken in Denmark. */
  DA_DK("da-DK"),
  /** {@code nb-NO}: Norwegian Bokm&aring;l as spoken in Norway. */
  NB_NO("nb-NO"),
  /** {@code fi-FI}: Finnish as spoken in Finland. */
  FI_FI("fi-FI"),
  /** {@code ja-JP}: Japanese as spoken in Japan. */
  JA_JP("ja-JP"),
  /** {@code ko-KR}: Korean as spoken in South Korea. */
  KO_KR("ko-KR"),
  /** {@code zh-CN}: Chinese as written in mainland China, in simplified characters. */
  ZH_CN("zh-CN"),
  /** {@code zh-TW}: Chinese as written in Taiwan, in traditional characters. */
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

  /**
   * Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values.
   *
   * @param wire the exact string the API uses, e.g. {@code "en-US"}
   * @return the constant with that wire name
   */
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
