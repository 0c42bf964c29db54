package ai.bctrl.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.internal.ledger.LedgerReader;
import ai.bctrl.provisioner.internal.ledger.LedgerWriter;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.sandbox.FaultKind;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * With BlockHound installed, a faulty run over the real HTTP stack, its settle listings, the
 * sandbox and the ledger never blocks a Netty event loop or a parallel thread: any blocking call
 * there fails the run with {@code BlockingOperationError}. An integration test in a JVM of its own
 * (failsafe does not reuse forks): BlockHound cannot be uninstalled, and installed after a
 * scheduler's threads have started it takes their idle waits for blocking calls.
 */
class NoBlockingIT {
  /** Every blocking call BlockHound saw on a non-blocking thread, even one a retry papered over. */
  private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  static void installBlockHound() {
    // install(...) also loads Reactor's integration, which marks its non-blocking threads
    BlockHound.install(builder -> builder
        // Netty 4.2's adaptive allocator retires a magazine under a StampedLock write lock when it
        // expands under contention; a few-instruction critical section, not I/O, and missing from
        // Netty's own BlockHound integration (seen on CI; the same exception as netty/netty#14564
        // for this allocator's other lock)
        .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free")
        .blockingMethodCallback(m -> {
      BlockingOperationError error = new BlockingOperationError(m);
      StringBuilder where = new StringBuilder(error.getMessage()).append(" on ")
          .append(Thread.currentThread().getName());
      for (StackTraceElement f : Thread.currentThread().getStackTrace()) {
        if (!f.getClassName().startsWith("java.") && !f.getClassName().startsWith("jdk.")
            && !f.getClassName().startsWith("reactor.blockhound")) {
          where.append(" < ").append(f.getClassName()).append('.').append(f.getMethodName());
          if (where.length() > 1500) {
            break;
          }
        }
      }
      VIOLATIONS.add(where.toString());
      throw error;
    }));
  }

  @Test
  void blockHoundCatchesABlockingCallOnAParallelThread() {
    AtomicReference<Throwable> error = new AtomicReference<>();
    Mono.fromRunnable(() -> {
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .subscribeOn(Schedulers.parallel())
        .doOnError(error::set)
        .onErrorComplete()
        .block(Duration.ofSeconds(10));
    assertThat(error.get()).isInstanceOf(BlockingOperationError.class);
    assertThat(VIOLATIONS).anySatisfy(v -> assertThat(v).contains("sleep"));
    VIOLATIONS.clear();
  }

  @Test
  void aFaultyRunWithSettlingAndALedgerNeverBlocksANonBlockingThread() throws Exception {
    try (SandboxServer sandbox = SandboxServer.start(SandboxConfig.builder().port(0).seed(7L)
            .latency(Duration.ofMillis(1), Duration.ofMillis(4)).rate(400, 20)
            .faults(Map.of(FaultKind.HTTP_503, 0.1, FaultKind.HTTP_500, 0.05, FaultKind.HTTP_429, 0.02,
                FaultKind.RESET_AFTER, 0.05, FaultKind.TRUNCATE, 0.05, FaultKind.FAILED, 0.02))
            .build());
        Provisioner p = Provisioner.builder().baseUrl(sandbox.baseUrl()).apiKey(sandbox.apiKey())
            .concurrency(8).rate(0).maxAttempts(20).settleDelay(Duration.ofMillis(200))
            .backoff(Duration.ofMillis(5), Duration.ofMillis(50)).requestTimeout(Duration.ofSeconds(5))
            .maxConsecutiveFailures(10_000).build();
        LedgerWriter ledger = LedgerWriter.open(dir.resolve("run.ledger.csv"))) {
      List<Item> items = IntStream.range(0, 150)
          .mapToObj(i -> Item.of("nb" + i, "sp_nb", new CreateRuntimeRequest(null, "nb" + i, null, null, null, null)))
          .toList();
      List<ItemResult> results;
      try {
        results = ledger.record(p.provision(Flux.fromIterable(items)))
            .collectList()
            .block(Duration.ofSeconds(60));
      } catch (RuntimeException e) {
        throw new AssertionError("run failed; blocking calls seen: " + VIOLATIONS, e);
      }
      ledger.close();

      assertThat(results).hasSize(150).allSatisfy(r -> assertThat(r.outcome())
          .isIn(Outcome.CREATED, Outcome.ADOPTED, Outcome.UNHEALTHY));
      assertThat(sandbox.stats().duplicates()).isZero();
      assertThat(sandbox.stats().faults(FaultKind.RESET_AFTER) + sandbox.stats().faults(FaultKind.TRUNCATE))
          .isPositive();
      List<ItemResult> recorded = new ArrayList<>();
      LedgerReader.forEach(dir.resolve("run.ledger.csv"), recorded::add);
      assertThat(recorded).hasSize(150);
      assertThat(VIOLATIONS).as("blocking calls on non-blocking threads").isEmpty();
    }
  }
}
