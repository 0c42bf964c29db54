package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Demand goes up in batches; every item comes down, in order, and none is held back. */
class BatchedDemandTest {

  @Test
  void aFlatMapGetsEveryItemInOrderWhileItsDemandGoesUpInBatches() {
    List<Long> requests = new CopyOnWriteArrayList<>();
    Flux<Integer> source = Flux.range(0, 1_000).doOnRequest(requests::add);
    Random random = new Random(7);
    long[] delays = random.longs(1_000, 0, 5).toArray();

    StepVerifier.withVirtualTime(() -> new BatchedDemand<>(source, 8)
            .flatMap(i -> Mono.delay(Duration.ofMillis(delays[i])).thenReturn(i), 64, 1)
            .collectList())
        .thenAwait(Duration.ofMinutes(1))
        .assertNext(items -> assertThat(items).hasSize(1_000).doesNotHaveDuplicates())
        .verifyComplete();

    assertThat(requests.get(0)).isEqualTo(64);       // the flatMap's first ask, whole
    assertThat(requests).hasSizeLessThan(1_000 / 4); // then batches, not one request per item
  }

  @Test
  void requestsAreHeldUntilABatchIsDueAndNoneIsLost() {
    List<Long> requests = new CopyOnWriteArrayList<>();
    StepVerifier.create(new BatchedDemand<>(Flux.range(0, 20).doOnRequest(requests::add), 4), 4)
        .expectNext(0, 1, 2, 3)
        .thenRequest(1).thenRequest(1).thenRequest(1)
        .then(() -> assertThat(requests).containsExactly(4L))             // three held
        .thenRequest(1)
        .expectNext(4, 5, 6, 7)
        .then(() -> assertThat(requests).containsExactly(4L, 4L))         // the fourth takes all four up
        .thenRequest(Long.MAX_VALUE)
        .expectNextCount(12)
        .verifyComplete();
  }

  @Test
  void errorsAndCancellationPassStraightThrough() {
    StepVerifier.create(new BatchedDemand<>(Flux.concat(Flux.just(1, 2), Flux.error(new IllegalStateException("boom"))), 4))
        .expectNext(1, 2)
        .verifyErrorMessage("boom");

    List<String> signals = new CopyOnWriteArrayList<>();
    StepVerifier.create(new BatchedDemand<>(Flux.range(0, 100).doOnCancel(() -> signals.add("cancel")), 4), 4)
        .expectNext(0, 1, 2, 3)
        .thenCancel()
        .verify();
    assertThat(signals).containsExactly("cancel");
  }
}
