package ai.bctrl.provisioner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyHashSetTest {
  @Test
  void remembersEveryHashItHoldsZeroIncluded() {
    KeyHashSet set = new KeyHashSet();
    for (long i = -5000; i < 5000; i++) {
      assertThat(set.add(i * 0x9E3779B97F4A7C15L)).isTrue();
    }
    for (long i = -5000; i < 5000; i++) {
      assertThat(set.add(i * 0x9E3779B97F4A7C15L)).isFalse();
    }
    assertThat(set.size()).isEqualTo(10000);
    assertThat(set.contains(3 * 0x9E3779B97F4A7C15L)).isTrue();
    assertThat(set.contains(5001 * 0x9E3779B97F4A7C15L)).isFalse();
    assertThat(set.contains(0)).isTrue();
  }
  @Test
  void tellsKeysApartByTheirHash() {
    KeyHashSet set = new KeyHashSet();
    assertThat(set.add("nightly:worker")).isTrue();
    assertThat(set.add("nightly:worker#2")).isTrue();
    assertThat(set.add("nightly:worker")).isFalse();
    assertThat(set.contains("nightly:worker#2")).isTrue();
    assertThat(set.contains("nightly:worker#3")).isFalse();
  }
}
