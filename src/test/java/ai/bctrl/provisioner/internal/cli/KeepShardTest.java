package ai.bctrl.provisioner.internal.cli;

import static ai.bctrl.provisioner.internal.cli.StageFixtures.invalid;
import static ai.bctrl.provisioner.internal.cli.StageFixtures.valid;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.internal.manifest.ManifestEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class KeepShardTest {
  @Test
  void withoutAShardEveryEntryGoesOnInOrder() {
    List<ManifestEntry> entries = List.of(valid("a", 2), invalid("b", 3), valid("c", 4));

    assertThat(Flux.fromIterable(entries).transform(new KeepShard(null)).collectList().block()).isEqualTo(entries);
  }

  @Test
  void keepsTheItemsAndInvalidRowsOfItsShardOnlyInOrder() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    List<ManifestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String key = "row-" + rnd.nextInt(1_000_000) + (rnd.nextBoolean() ? "" : "#" + (2 + rnd.nextInt(9)));
      entries.add(rnd.nextInt(4) == 0 ? invalid(key, i + 2) : valid(key, i + 2));
    }
    List<ManifestEntry> expected = entries.stream().filter(e -> Shard.of(KeepShard.key(e), 3) == 1).toList();

    List<ManifestEntry> kept =
        Flux.fromIterable(entries).transform(new KeepShard(new Shard(1, 3))).collectList().block();

    assertThat(kept).as("seed %d", seed).isEqualTo(expected);
    assertThat(kept).as("seed %d: both kinds are kept", seed)
        .hasAtLeastOneElementOfType(ManifestEntry.Valid.class)
        .hasAtLeastOneElementOfType(ManifestEntry.Invalid.class);
  }

  @Test
  void anEntrysShardKeyIsItsItemKeyOrItsInvalidRowsKey() {
    assertThat(KeepShard.key(valid("b1:web#3", 7))).isEqualTo("b1:web#3");
    assertThat(KeepShard.key(invalid("line-9", 9))).isEqualTo("line-9");
  }
}
