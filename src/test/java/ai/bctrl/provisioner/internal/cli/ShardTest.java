package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardTest {
  @Test
  void shardsAreDisjointAndCoverEveryKey() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    for (int n : new int[] {1, 2, 3, 7, 16}) {
      int[] sizes = new int[n];
      for (int k = 0; k < 5000; k++) {
        String key = "row-" + rnd.nextInt(1_000_000) + "#" + rnd.nextInt(50);
        int holders = 0;
        for (int i = 0; i < n; i++) {
          if (new Shard(i, n).contains(key)) {
            holders++;
            sizes[i]++;
          }
        }
        assertThat(holders).as("seed %d, key %s, %d shards", seed, key, n).isEqualTo(1);
      }
      for (int size : sizes) {
        assertThat(size).as("seed %d: shards are roughly even", seed).isGreaterThan(5000 / n / 2);
      }
    }
  }

  @Test
  void aKeysShardIsFixedByTheFirstEightBytesOfItsSha256() {
    // SHA-256("a") starts ca978112ca1bbdca: unsigned mod 10 = 4
    assertThat(Long.remainderUnsigned(0xca978112ca1bbdcaL, 10)).isEqualTo(Shard.of("a", 10));
    assertThat(new Shard(Shard.of("a", 10), 10).contains("a")).isTrue();
  }

  @Test
  void parsesIOfN() {
    assertThat(Shard.parse("0/4")).isEqualTo(new Shard(0, 4));
    assertThat(Shard.parse("3/4").label()).isEqualTo("shard-3-of-4");
  }

  @Test
  void refusesBadShards() {
    assertThatThrownBy(() -> Shard.parse("4/4")).hasMessage("shard index must be 0..3 (0-based) but was 4");
    assertThatThrownBy(() -> Shard.parse("0/0")).hasMessage("shard count must be >= 1 but was 0");
    assertThatThrownBy(() -> Shard.parse("1-4"))
        .hasMessage("invalid shard \"1-4\": use I/N with 0 <= I < N, e.g. 0/4 for the first of four");
  }
}
