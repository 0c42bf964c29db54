package ai.bctrl.provisioner.internal.cli;

import static ai.bctrl.provisioner.internal.cli.StageFixtures.item;
import static ai.bctrl.provisioner.internal.cli.StageFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.Outcome;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

class RunTallyTest {
  private final RunTally tally = new RunTally();

  @Test
  void progressShowsThePrecountUntilTheItemsToProvisionAreAllCounted() {
    Sinks.Many<Item> items = Sinks.many().unicast().onBackpressureBuffer();
    tally.countToProvision(items.asFlux()).subscribe();
    assertThat(tally.snapshot(0, 0).total()).isEqualTo(-1);

    tally.precounted(3);
    items.tryEmitNext(item("a", 2));
    assertThat(tally.snapshot(1, 2)).isEqualTo(new Progress.Snapshot(0, 3, 1, 2));

    items.tryEmitNext(item("b", 3));
    items.tryEmitComplete();
    assertThat(tally.snapshot(0, 0).total()).isEqualTo(2);
  }

  @Test
  void anItemEndedNotDoneCountsTowardsExit2() {
    Flux.just(result("a", Outcome.CREATED), result("b", Outcome.ADOPTED), result("c", Outcome.UNKNOWN))
        .doOnNext(tally::ended).blockLast();

    assertThat(tally.snapshot(0, 0).done()).isEqualTo(3);
    assertThat(tally.notDone()).isEqualTo(1);
    assertThat(ExitCodes.of(ExitCodes.Stop.NONE, tally.isManifestBroken(), tally.notDone()))
        .isEqualTo(ExitCodes.INCOMPLETE);
  }
}
