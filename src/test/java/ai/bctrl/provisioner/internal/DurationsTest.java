package ai.bctrl.provisioner.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesEveryFormOfTheContract() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void refusesAnythingElseWithOneLine() {
    for (String bad : new String[] {"", "30", "1d", "-5s", "5 s", "PT-5S", "P", "1.5.2s", ".5s", "abc"}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("invalid duration \"" + bad + "\": use e.g. 250ms, 30s, 5m, 1h or ISO-8601 PT30S");
    }
  }

  @Test
  void formatsShortly() {
    assertThat(Durations.format(Duration.ofMillis(850))).isEqualTo("850ms");
    assertThat(Durations.format(Duration.ofMillis(12_345))).isEqualTo("12.3s");
    assertThat(Durations.format(Duration.ofSeconds(9))).isEqualTo("9s");
    assertThat(Durations.format(Duration.ofSeconds(245))).isEqualTo("4m05s");
    assertThat(Durations.format(Duration.ofMinutes(62))).isEqualTo("1h02m");
  }
}
