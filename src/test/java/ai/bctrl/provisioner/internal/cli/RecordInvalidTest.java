package ai.bctrl.provisioner.internal.cli;

import static ai.bctrl.provisioner.internal.cli.StageFixtures.invalid;
import static ai.bctrl.provisioner.internal.cli.StageFixtures.item;
import static ai.bctrl.provisioner.internal.cli.StageFixtures.valid;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.manifest.ManifestEntry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class RecordInvalidTest {
  private static final Instant NOW = Instant.parse("2026-11-30T01:02:03Z");

  private final List<ItemResult> ledger = new ArrayList<>();
  private final Redactor redactor = new Redactor();
  private final RunTally tally = new RunTally();
  private final StageFixtures.Err err = new StageFixtures.Err();
  private final RecordInvalid stage = new RecordInvalid(ledger::add, redactor, Clock.fixed(NOW, ZoneOffset.UTC),
      tally, err.writer, "runtimes.csv");

  @Test
  void recordsAndTellsAnInvalidRowAndNeverPassesItOn() {
    List<Item> items = Flux.just(valid("a", 2), invalid("b", 3), valid("c", 4)).transform(stage).collectList().block();

    assertThat(items).containsExactly(item("a", 2), item("c", 4));
    assertThat(ledger).containsExactly(new ItemResult("b", 3, StageFixtures.SPACE, null, Outcome.INVALID, null, null,
        null, "provisioner.invalid_row", "count: must be an integer 1..10000, got \"x\"", 0, 0, NOW));
    assertThat(err.toString())
        .isEqualTo("provisioner: runtimes.csv:3: count: must be an integer 1..10000, got \"x\""
            + System.lineSeparator());
    assertThat(tally.notDone()).isEqualTo(1);
    assertThat(tally.summary().count(Outcome.INVALID)).isEqualTo(1);
  }

  @Test
  void validItemsPassUntouchedAndRecordNothing() {
    List<Item> items = Flux.just(valid("a", 2), valid("a#2", 2)).transform(stage).collectList().block();

    assertThat(items).containsExactly(item("a", 2), item("a#2", 2));
    assertThat(ledger).isEmpty();
    assertThat(err.toString()).isEmpty();
    assertThat(tally.notDone()).isZero();
  }

  @Test
  void takesKnownSecretsOutOfWhatItRecordsAndPrints() {
    redactor.add("s3cret-pass");
    ManifestEntry bad = new ManifestEntry.Invalid("b", 5, StageFixtures.SPACE, "web-s3cret-pass", "config.proxy.port",
        "must be an integer 1..65535, near s3cret-pass");

    Flux.just(bad).transform(stage).blockLast();

    assertThat(ledger).singleElement().satisfies(r -> {
      assertThat(r.error()).isEqualTo("config.proxy.port: must be an integer 1..65535, near ***");
      assertThat(r.name()).isEqualTo("web-***");
    });
    assertThat(err.toString()).doesNotContain("s3cret-pass")
        .isEqualTo("provisioner: runtimes.csv:5: config.proxy.port: must be an integer 1..65535, near ***"
            + System.lineSeparator());
  }
}
