package ai.bctrl.provisioner.internal.cli;

import static ai.bctrl.provisioner.internal.cli.StageFixtures.item;
import static ai.bctrl.provisioner.internal.cli.StageFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.ledger.LedgerState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

class SkipDoneTest {
  @TempDir Path dir;

  private final RunTally tally = new RunTally();

  private LedgerState ledger() {
    return StageFixtures.ledger(dir,
        result("done", Outcome.FAILED), result("done", Outcome.CREATED),
        result("adopted", Outcome.ADOPTED),
        result("sick", Outcome.UNHEALTHY),
        result("sick2", Outcome.UNHEALTHY), result("sick2#r1", Outcome.UNHEALTHY),
        result("healed", Outcome.UNHEALTHY), result("healed#r1", Outcome.CREATED),
        result("failed", Outcome.CREATED), result("failed", Outcome.FAILED),
        result("unknown", Outcome.UNKNOWN),
        result("aborted", Outcome.ABORTED),
        result("invalid", Outcome.INVALID),
        result("torn", Outcome.CREATED), result("torn", Outcome.STOPPED), result("torn", Outcome.DELETED),
        result("kept", Outcome.CREATED), result("kept", Outcome.STOPPED));
  }

  private List<Item> run(boolean replaceUnhealthy, Item... items) {
    return Flux.just(items).transform(new SkipDone(ledger(), replaceUnhealthy, false, tally)).collectList().block();
  }

  @Test
  void skipsItemsWhoseLastOutcomeIsDoneAndCountsThemDone() {
    List<Item> out = run(false, item("done", 2), item("adopted", 3), item("healed", 4), item("new", 5));

    assertThat(out).containsExactly(item("new", 5));
    assertThat(tally.summary().skippedDoneCount()).isEqualTo(3);
    assertThat(tally.notDone()).isZero();
  }

  @Test
  void withNoListAnUnknownItemIsKeptNotRepeatedAndAnAbortedOneGoesOn() {
    List<Item> out = Flux.just(item("unknown", 2), item("aborted", 3))
        .transform(new SkipDone(ledger(), false, true, tally)).collectList().block();

    assertThat(out).containsExactly(item("aborted", 3));
    assertThat(tally.notDone()).isEqualTo(1);
    assertThat(tally.summary().render()).contains("1 left unknown (--no-list)")
        .contains("  unknown    1 may or may not exist");
  }

  @Test
  void keepsAnUnhealthyItemAsNotDoneWithoutReplaceUnhealthy() {
    List<Item> out = run(false, item("sick", 2), item("sick2", 3));

    assertThat(out).isEmpty();
    assertThat(tally.summary().keptUnhealthyCount()).isEqualTo(2);
    assertThat(tally.notDone()).isEqualTo(2);
  }

  @Test
  void afterTeardownCreatesADeletedItemAnewAndKeepsAStoppedOneUnlessAskedToReplaceIt() {
    assertThat(run(false, item("torn", 2), item("kept", 3))).containsExactly(item("torn", 2));
    assertThat(tally.notDone()).isEqualTo(1);
    assertThat(tally.summary().render()).contains("; 0 already done, 1 kept stopped\n");

    assertThat(Flux.just(item("kept", 3)).transform(new SkipDone(ledger(), true, false, new RunTally()))
        .collectList().block()).containsExactly(item("kept#r1", 3));
  }

  @Test
  void replacesAnUnhealthyItemUnderItsNextReplacementKeyStampedIntoTheBody() {
    List<Item> out = run(true, item("sick", 2), item("sick2", 3));

    assertThat(out).containsExactly(item("sick#r1", 2), item("sick2#r2", 3));
    assertThat(out).extracting(i -> i.request().provisionerKey()).containsExactly("sick#r1", "sick2#r2");
    assertThat(out).extracting(Item::name).containsExactly("rt-2", "rt-3");
    assertThat(tally.summary().keptUnhealthyCount()).isZero();
    assertThat(tally.notDone()).isZero();
  }

  @Test
  void triesEveryOtherItemAgainUnderItsOwnKeyUnchanged() {
    Item failed = item("failed", 2);
    Item unknown = item("unknown", 3);
    Item aborted = item("aborted", 4);
    Item invalid = item("invalid", 5);

    List<Item> out = run(true, failed, unknown, aborted, invalid);

    assertThat(out).hasSize(4);
    assertThat(out.get(0)).isSameAs(failed);
    assertThat(out.get(1)).isSameAs(unknown);
    assertThat(out.get(2)).isSameAs(aborted);
    assertThat(out.get(3)).isSameAs(invalid);
    assertThat(tally.summary().skippedDoneCount()).isZero();
  }

  @Test
  void provisionsSaysWhatItLetsThroughAndCountsNothing() {
    List<String> keys = List.of("done", "adopted", "sick", "sick2", "healed", "failed", "unknown", "new");
    for (boolean replace : new boolean[] {false, true}) {
      SkipDone stage = new SkipDone(ledger(), replace, false, new RunTally());
      List<Item> through = Flux.fromIterable(keys).map(k -> item(k, 2)).transform(stage).collectList().block();
      List<String> throughKeys = through.stream().map(i -> LedgerState.baseKey(i.key())).toList();

      assertThat(keys.stream().filter(stage::provisions).toList()).as("replace %s", replace).isEqualTo(throughKeys);
    }
    SkipDone counting = new SkipDone(ledger(), false, false, tally);
    keys.forEach(counting::provisions);
    assertThat(tally.summary().skippedDoneCount()).isZero();
    assertThat(tally.notDone()).isZero();
  }
}
