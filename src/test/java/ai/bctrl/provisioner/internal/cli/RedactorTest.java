package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void replacesEveryKnownSecretWhereverItAppears() {
    Redactor r = new Redactor();
    r.add("sk_live_abc123");
    r.add("hunter2hunter2");
    assertThat(r.redact("key sk_live_abc123 and sk_live_abc123, proxy hunter2hunter2"))
        .isEqualTo("key *** and ***, proxy ***");
  }

  @Test
  void ignoresMissingAndTooShortSecretsAndNullText() {
    Redactor r = new Redactor();
    r.add(null);
    r.add("abc");
    assertThat(r.redact("abc def")).isEqualTo("abc def");
    assertThat(r.redact(null)).isNull();
  }
}
