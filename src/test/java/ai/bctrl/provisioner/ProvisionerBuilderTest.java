package ai.bctrl.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProvisionerBuilderTest {
  private static Provisioner.Builder valid() {
    return Provisioner.builder().baseUrl("https://api.bctrl.ai").apiKey("sk-very-secret");
  }

  @Test
  void theDefaultsAreTheCliDefaults() {
    ProvisionerConfig c = valid().config();
    assertThat(c.concurrency()).isEqualTo(8);
    assertThat(c.rate()).isEqualTo(10.0);
    assertThat(c.burst()).isEqualTo(1);
    assertThat(c.maxAttempts()).isEqualTo(5);
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.settleDelay()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.maxConsecutiveFailures()).isEqualTo(50);
    assertThat(c.firstListingNotBefore()).isNull();
    assertThat(c.userAgent()).startsWith("provisioner/");
  }

  @Test
  void theConfigNeverShowsTheKey() {
    assertThat(valid().config().toString()).doesNotContain("sk-very-secret").contains("apiKey=****");
    try (Provisioner p = valid().build()) {
      assertThat(p.toString()).doesNotContain("sk-very-secret");
    }
  }

  @Test
  void badSettingsFailAtBuildTimeWithNamedMessages() {
    assertThatThrownBy(() -> valid().concurrency(0).config()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("concurrency must be >= 1 but was 0");
    assertThatThrownBy(() -> valid().rate(-1).config()).hasMessage("rate must be >= 0 (0 = no limit) but was -1.0");
    assertThatThrownBy(() -> valid().burst(0).config()).hasMessage("burst must be >= 1 but was 0");
    assertThatThrownBy(() -> valid().maxAttempts(0).config()).hasMessage("maxAttempts must be >= 1 but was 0");
    assertThatThrownBy(() -> valid().requestTimeout(Duration.ZERO).config())
        .hasMessage("requestTimeout must be > 0 but was PT0S");
    assertThatThrownBy(() -> valid().settleDelay(Duration.ofSeconds(-1)).config())
        .hasMessage("settleDelay must be >= 0 but was PT-1S");
    assertThatThrownBy(() -> valid().maxConsecutiveFailures(0).config())
        .hasMessage("maxConsecutiveFailures must be >= 1 but was 0");
    assertThatThrownBy(() -> valid().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).config())
        .hasMessage("backoffCap must be >= backoffBase (PT2S) but was PT1S");
    assertThatThrownBy(() -> valid().baseUrl("ftp://x").config())
        .hasMessage("baseUrl must be an http or https URL but was ftp://x");
    assertThatThrownBy(() -> valid().baseUrl("http://bad url").config())
        .hasMessage("baseUrl must be an http or https URL but was \"http://bad url\"");
    assertThatThrownBy(() -> valid().apiKey(null).config()).isInstanceOf(NullPointerException.class)
        .hasMessage("apiKey must be set");
    assertThatThrownBy(() -> valid().apiKey(" ").config()).hasMessage("apiKey must not be blank");
  }

  @Test
  void aLearnedRateReplacesAFixedOneAndTheLastCallWins() {
    ProvisionerConfig auto = valid().autoRate(50).config();
    assertThat(auto.autoRate()).isTrue();
    assertThat(auto.maxRate()).isEqualTo(50.0);
    assertThat(auto.toString()).contains("rate=auto (max 50.0)");
    ProvisionerConfig fixed = valid().autoRate(50).rate(20).config();
    assertThat(fixed.autoRate()).isFalse();
    assertThat(fixed.maxRate()).isZero();
    assertThat(fixed.rate()).isEqualTo(20.0);
    assertThat(valid().rate(20).autoRate().config().autoRate()).isTrue();
  }

  @Test
  void aLearnedRateRefusesABurstAndANegativeCeiling() {
    assertThatThrownBy(() -> valid().autoRate().burst(5).config())
        .hasMessage("burst is for a fixed rate; a learned rate spaces its starts evenly");
    assertThatThrownBy(() -> valid().autoRate(-1).config()).hasMessage("maxRate must be >= 0 (0 = none) but was -1.0");
  }
}
