package ai.bctrl.provisioner.internal.cli;

import static ai.bctrl.provisioner.internal.cli.StageFixtures.item;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.internal.manifest.ManifestException;
import ai.bctrl.provisioner.internal.manifest.MaxItemsExceededException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class EndAtBrokenManifestTest {
  private final RunTally tally = new RunTally();
  private final Redactor redactor = new Redactor();
  private final StageFixtures.Err err = new StageFixtures.Err();
  private final EndAtBrokenManifest stage = new EndAtBrokenManifest(tally, redactor, err.writer);

  @Test
  void aMalformedManifestEndsTheItemsAfterThoseBeforeTheBadRowToldInOneLine() {
    Flux<Item> items = Flux.concat(Flux.just(item("a", 2), item("b", 3)),
        Flux.error(new ManifestException("runtimes.csv:9: unclosed quote\nin cell 3; close the quote")));

    StepVerifier.create(items.transform(stage))
        .expectNext(item("a", 2), item("b", 3))
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(tally.isManifestBroken()).isTrue();
    assertThat(err.toString())
        .isEqualTo("provisioner: runtimes.csv:9: unclosed quote" + System.lineSeparator());
  }

  @Test
  void tooManyItemsEndsThemTheSameWayWithoutASecret() {
    redactor.add("s3cret-pass");

    StepVerifier.create(Flux.concat(Flux.just(item("a", 2)),
            Flux.<Item>error(new MaxItemsExceededException("m.csv:4: more than 1 items s3cret-pass")))
            .transform(stage))
        .expectNext(item("a", 2))
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(tally.isManifestBroken()).isTrue();
    assertThat(err.toString()).isEqualTo("provisioner: m.csv:4: more than 1 items ***" + System.lineSeparator());
  }

  @Test
  void anyOtherErrorPassesThroughUntold() {
    StepVerifier.create(Flux.<Item>error(new IllegalStateException("ledger is closed")).transform(stage))
        .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(IllegalStateException.class)
            .hasMessage("ledger is closed"))
        .verify(Duration.ofSeconds(5));

    assertThat(tally.isManifestBroken()).isFalse();
    assertThat(err.toString()).isEmpty();
  }
}
