package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code config} of a create request. Every field is optional: {@code null} means absent. Build one
 * with {@link #builder()}, which names the three proxy choices ({@link Builder#noProxy()}, {@link
 * Builder#customProxy}, {@link Builder#savedProxy}) instead of the wire's three-valued field.
 *
 * @param fingerprint the browser fingerprint, or {@code null}
 * @param humanize whether input is humanized, or {@code null}
 * @param humanizePersonaId the humanize persona, or {@code null}
 * @param proxy the wire's three-valued field: {@code null} leaves {@code proxy} out of the body (the
 *     API's default applies); {@code Optional.empty()} sends {@code "proxy": null} (no proxy);
 *     otherwise the proxy. Prefer the builder's named methods.
 * @param solveCaptchas whether captchas are solved, or {@code null}
 * @param stealth the stealth level, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuntimeConfig(
    Fingerprint fingerprint,
    Boolean humanize,
    Long humanizePersonaId,
    Optional<Proxy> proxy,
    Boolean solveCaptchas,
    Stealth stealth) {

  /**
   * A builder with every field absent.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this config's fields, to change some of them.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.fingerprint = fingerprint;
    b.humanize = humanize;
    b.humanizePersonaId = humanizePersonaId;
    b.proxy = proxy;
    b.solveCaptchas = solveCaptchas;
    b.stealth = stealth;
    return b;
  }

  /**
   * Whether the body says there is no proxy.
   *
   * @return {@code true} when the body carries {@code "proxy": null}; {@code false} when it names a
   *     proxy or leaves {@code proxy} out
   */
  public boolean hasNoProxy() {
    return proxy != null && proxy.isEmpty();
  }

  /** Builds a {@link RuntimeConfig}; every field is optional. Not thread-safe. */
  public static final class Builder {
    private Fingerprint fingerprint;
    private Boolean humanize;
    private Long humanizePersonaId;
    private Optional<Proxy> proxy;
    private Boolean solveCaptchas;
    private Stealth stealth;

    private Builder() {}

    /**
     * The fingerprint.
     *
     * @param fingerprint the fingerprint, or {@code null} for none
     * @return this builder
     */
    public Builder fingerprint(Fingerprint fingerprint) {
      this.fingerprint = fingerprint;
      return this;
    }

    /**
     * The fingerprint, from its browser and locale.
     *
     * @param browser the browser to present, or {@code null} for the API's choice
     * @param locale the locale to present, or {@code null} for the API's choice
     * @return this builder
     */
    public Builder fingerprint(FingerprintBrowser browser, FingerprintLocale locale) {
      return fingerprint(new Fingerprint(browser, locale));
    }

    /**
     * Humanized input on or off.
     *
     * @param humanize whether the runtime types and moves the mouse like a person
     * @return this builder
     */
    public Builder humanize(boolean humanize) {
      this.humanize = humanize;
      return this;
    }

    /**
     * The humanize persona.
     *
     * @param personaId the persona's id
     * @return this builder
     */
    public Builder humanizePersonaId(long personaId) {
      this.humanizePersonaId = personaId;
      return this;
    }

    /**
     * Captcha solving on or off.
     *
     * @param solveCaptchas whether the runtime solves captchas
     * @return this builder
     */
    public Builder solveCaptchas(boolean solveCaptchas) {
      this.solveCaptchas = solveCaptchas;
      return this;
    }

    /**
     * The stealth level.
     *
     * @param stealth the level, or {@code null} for the API's default
     * @return this builder
     */
    public Builder stealth(Stealth stealth) {
      this.stealth = stealth;
      return this;
    }

    /**
     * No proxy: the body says {@code "proxy": null}.
     *
     * @return this builder
     */
    public Builder noProxy() {
      this.proxy = Optional.empty();
      return this;
    }

    /**
     * Leaves {@code proxy} out of the body, so the API's default applies (the initial state).
     *
     * @return this builder
     */
    public Builder apiDefaultProxy() {
      this.proxy = null;
      return this;
    }

    /**
     * A proxy given in full, without credentials.
     *
     * @param host the proxy's host name or address
     * @param port the proxy's port, 1..65535
     * @param protocol how to speak to the proxy
     * @return this builder
     */
    public Builder customProxy(String host, int port, ProxyProtocol protocol) {
      return proxy(new CustomProxy(host, port, protocol, null, null));
    }

    /**
     * A proxy given in full, with credentials.
     *
     * @param host the proxy's host name or address
     * @param port the proxy's port, 1..65535
     * @param protocol how to speak to the proxy
     * @param username the proxy's user name
     * @param password the proxy's password; never shown by {@code toString}
     * @return this builder
     */
    public Builder customProxy(String host, int port, ProxyProtocol protocol, String username, String password) {
      return proxy(new CustomProxy(host, port, protocol, username, password));
    }

    /**
     * A proxy saved in bctrl, by its id.
     *
     * @param id the saved proxy's id
     * @return this builder
     */
    public Builder savedProxy(UUID id) {
      return proxy(new SavedProxy(id, null));
    }

    /**
     * A proxy saved in bctrl, by its id, with overrides.
     *
     * @param id the saved proxy's id
     * @param overrides what to change of it for this runtime, or {@code null} for nothing
     * @return this builder
     */
    public Builder savedProxy(UUID id, ProxyOverrides overrides) {
      return proxy(new SavedProxy(id, overrides));
    }

    /**
     * A proxy of either kind.
     *
     * @param proxy the proxy; not {@code null} (use {@link #noProxy()} for none)
     * @return this builder
     */
    public Builder proxy(Proxy proxy) {
      this.proxy = Optional.of(Objects.requireNonNull(proxy, "proxy (use noProxy() for none)"));
      return this;
    }

    /**
     * The config; the builder can go on being used.
     *
     * @return a new config
     */
    public RuntimeConfig build() {
      return new RuntimeConfig(fingerprint, humanize, humanizePersonaId, proxy, solveCaptchas, stealth);
    }
  }
}
