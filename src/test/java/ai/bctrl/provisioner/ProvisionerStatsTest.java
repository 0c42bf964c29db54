package ai.bctrl.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvisionerStatsTest {

  @Test
  void mapsIterateInTheEnumsOrderWhateverOrderTheyCameIn() {
    List<Outcome> shuffled = Arrays.asList(Outcome.values());
    Collections.shuffle(shuffled, new java.util.Random(7));
    Map<Outcome, Long> results = new HashMap<>();
    shuffled.forEach(o -> results.put(o, (long) o.ordinal()));
    Map<RetryCause, Long> retries = new HashMap<>();
    for (RetryCause c : RetryCause.values()) {
      retries.put(c, 1L);
    }
    ProvisionerStats s = new ProvisionerStats(0, 0, 0, retries, 0, 0, results, Latencies.recorder().snapshot());
    assertThat(s.results().keySet()).containsExactly(Outcome.values());
    assertThat(s.retries().keySet()).containsExactly(RetryCause.values());
    assertThat(s.ended()).isEqualTo(Arrays.stream(Outcome.values()).mapToLong(Outcome::ordinal).sum());
    assertThatThrownBy(() -> s.results().put(Outcome.CREATED, 1L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aNullValueIsRefused() {
    Map<Outcome, Long> results = new HashMap<>();
    results.put(Outcome.CREATED, null);
    assertThatThrownBy(() -> new ProvisionerStats(0, 0, 0, Map.of(), 0, 0, results, Latencies.recorder().snapshot()))
        .isInstanceOf(NullPointerException.class);
  }
}
