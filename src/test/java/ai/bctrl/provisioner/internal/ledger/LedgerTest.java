package ai.bctrl.provisioner.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class LedgerTest {
  @TempDir Path dir;

  static ItemResult result(String key, Outcome outcome, String error) {
    return new ItemResult(key, 7, "space-1", "name " + key, outcome, "rt-" + key,
        outcome.isDone() ? RuntimeStatus.ACTIVE : null, outcome.isDone() ? 201 : 503,
        outcome.isDone() ? null : "server.unavailable", error, 2, 345,
        Instant.parse("2026-01-02T03:04:05.678Z"));
  }

  static List<ItemResult> readAll(Path p) {
    List<ItemResult> out = new ArrayList<>();
    LedgerReader.forEach(p, out::add);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"l.csv", "l.jsonl"})
  void roundTripsEveryColumnIncludingAwkwardText(String name) {
    Path p = dir.resolve(name);
    List<ItemResult> in = List.of(
        result("a", Outcome.CREATED, null),
        result("b#2", Outcome.FAILED, "upstream said \"no\", twice, (requestId req_1)"),
        result("c", Outcome.UNKNOWN, " leading and trailing space "),
        result("d", Outcome.ABORTED, ""),
        result("e", Outcome.INVALID, "ünïcödé, ✓ and a , comma"),
        new ItemResult("f", 0, null, null, Outcome.UNHEALTHY, null, RuntimeStatus.FAILED, null, null, null, 0, 0, null));
    try (LedgerWriter w = LedgerWriter.open(p)) {
      in.forEach(w::append);
    }
    assertThat(readAll(p)).containsExactlyElementsOf(in);
  }

  @Test
  void writesTheContractHeaderFirstInACsvLedger() throws IOException {
    Path p = dir.resolve("l.csv");
    try (LedgerWriter w = LedgerWriter.open(p)) {
      w.append(result("a", Outcome.CREATED, "x,y"));
    }
    List<String> lines = Files.readAllLines(p);
    assertThat(lines.get(0)).isEqualTo(
        "key,line,spaceId,name,outcome,runtimeId,status,httpStatus,errorCode,error,attempts,latencyMs,finishedAt");
    assertThat(lines.get(1)).isEqualTo(
        "a,7,space-1,name a,created,rt-a,active,201,,\"x,y\",2,345,2026-01-02T03:04:05.678Z");
  }

  @Test
  void writesJsonlWithTheSameFieldNames() throws IOException {
    Path p = dir.resolve("l.jsonl");
    try (LedgerWriter w = LedgerWriter.open(p)) {
      w.append(result("a", Outcome.CREATED, null));
    }
    assertThat(Files.readString(p)).isEqualTo(
        "{\"key\":\"a\",\"line\":7,\"spaceId\":\"space-1\",\"name\":\"name a\",\"outcome\":\"created\","
            + "\"runtimeId\":\"rt-a\",\"status\":\"active\",\"httpStatus\":201,\"errorCode\":null,\"error\":null,"
            + "\"attempts\":2,\"latencyMs\":345,\"finishedAt\":\"2026-01-02T03:04:05.678Z\"}\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"l.csv", "l.jsonl"})
  void keepsEveryRecordOnOneLineEvenWhenAnErrorHasLineBreaks(String name) throws IOException {
    Path p = dir.resolve(name);
    try (LedgerWriter w = LedgerWriter.open(p)) {
      w.append(result("a", Outcome.FAILED, "first\r\nsecond\nthird"));
    }
    assertThat(Files.readAllLines(p)).hasSize(name.endsWith(".csv") ? 2 : 1);
    assertThat(readAll(p).get(0).error()).isEqualTo("first second third");
  }

  @Test
  void survivesRandomTextInEveryColumn() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    String alphabet = "ab,\"\n\r ;'\\{}[]:é✓\t";
    List<ItemResult> in = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = rnd.nextInt(12); j > 0; j--) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      in.add(new ItemResult("k" + i, i, s, s, Outcome.values()[rnd.nextInt(7)], s, null, null, s, s, i, i, null));
    }
    for (String name : List.of("r.csv", "r.jsonl")) {
      Path p = dir.resolve(name);
      try (LedgerWriter w = LedgerWriter.open(p)) {
        in.forEach(w::append);
      }
      List<ItemResult> out = readAll(p);
      assertThat(out).as("seed %d, %s", seed, name).hasSize(in.size());
      for (int i = 0; i < in.size(); i++) {
        String expected = LedgerCodec.oneLine(in.get(i).error());
        assertThat(out.get(i).error()).as("seed %d, %s, record %d", seed, name, i).isEqualTo(expected);
        assertThat(out.get(i).spaceId()).as("seed %d", seed).isEqualTo(LedgerCodec.oneLine(in.get(i).spaceId()));
      }
    }
  }

  @Test
  void theLastRecordOfAKeyWins() {
    Path p = dir.resolve("l.csv");
    try (LedgerWriter w = LedgerWriter.open(p)) {
      w.append(result("a", Outcome.ABORTED, null));
      w.append(result("b", Outcome.CREATED, null));
      w.append(result("a", Outcome.ADOPTED, null));
      w.append(result("b", Outcome.FAILED, null));
    }
    LedgerState s = LedgerReader.load(p, true);
    assertThat(s.records()).isEqualTo(4);
    assertThat(s.lastOutcomes()).containsOnly(
        java.util.Map.entry("a", Outcome.ADOPTED), java.util.Map.entry("b", Outcome.FAILED));
  }

  @ParameterizedTest
  @ValueSource(strings = {"l.csv", "l.jsonl"})
  void reportsAndTruncatesALastLineCutByACrashBeforeAppending(String name) throws IOException {
    Path p = dir.resolve(name);
    try (LedgerWriter w = LedgerWriter.open(p)) {
      w.append(result("a", Outcome.CREATED, null));
    }
    long good = Files.size(p);
    Files.writeString(p, "b,7,space-1,na", StandardOpenOption.APPEND);

    LedgerState s = LedgerReader.load(p, true);

    assertThat(s.repairNotice()).hasValue("ledger " + p
        + ": its last line was cut short (14 bytes, probably by a crash); removed it, the run goes on");
    assertThat(Files.size(p)).isEqualTo(good);
    assertThat(s.lastOutcomes()).containsOnlyKeys("a");
    try (LedgerWriter w = LedgerWriter.open(p)) {
      w.append(result("c", Outcome.CREATED, null));
    }
    assertThat(readAll(p)).extracting(ItemResult::key).containsExactly("a", "c");
  }

  @Test
  void leavesACutLineInPlaceWhenOnlyLooking() throws IOException {
    Path p = dir.resolve("l.csv");
    try (LedgerWriter w = LedgerWriter.open(p)) {
      w.append(result("a", Outcome.CREATED, null));
    }
    Files.writeString(p, "b,7", StandardOpenOption.APPEND);
    long size = Files.size(p);
    LedgerState s = LedgerReader.load(p, false);
    assertThat(s.repairNotice()).hasValueSatisfying(n -> assertThat(n).endsWith("ignored it"));
    assertThat(Files.size(p)).isEqualTo(size);
    assertThat(s.lastOutcomes()).containsOnlyKeys("a");
  }

  @Test
  void rewritesTheHeaderWhenACrashCutIt() throws IOException {
    Path p = dir.resolve("l.csv");
    Files.writeString(p, "key,line,spa");
    LedgerState s = LedgerReader.load(p, true);
    assertThat(s.repairNotice()).isPresent();
    assertThat(Files.size(p)).isZero();
    try (LedgerWriter w = LedgerWriter.open(p)) {
      w.append(result("a", Outcome.CREATED, null));
    }
    assertThat(readAll(p)).extracting(ItemResult::key).containsExactly("a");
  }

  @Test
  void aMissingLedgerIsEmpty() {
    LedgerState s = LedgerReader.load(dir.resolve("none.csv"), true);
    assertThat(s.existed()).isFalse();
    assertThat(s.keys()).isZero();
  }

  @Test
  void refusesAFileThatIsNotALedgerNamingTheLine() throws IOException {
    Path p = dir.resolve("other.csv");
    Files.writeString(p, "name,count\nx,1\n");
    assertThatThrownBy(() -> LedgerReader.load(p, true))
        .isInstanceOf(LedgerException.class)
        .hasMessage("ledger " + p + ":1: not the ledger header \"key,line,spaceId,name,outcome,runtimeId,status,"
            + "httpStatus,errorCode,error,attempts,latencyMs,finishedAt\"; is this a provisioner ledger? pick another --ledger");
  }

  @Test
  void refusesABrokenCompleteLineNamingItsNumber() throws IOException {
    Path p = dir.resolve("l.jsonl");
    try (LedgerWriter w = LedgerWriter.open(p)) {
      w.append(result("a", Outcome.CREATED, null));
    }
    Files.writeString(p, "{\"key\":\"b\",\"outcome\":\"maybe\"}\n", StandardOpenOption.APPEND);
    assertThatThrownBy(() -> LedgerReader.load(p, true))
        .isInstanceOf(LedgerException.class)
        .hasMessageStartingWith("ledger " + p + ":2: outcome: unknown outcome \"maybe\"");
  }

  @Test
  void refusesAnotherExtension() {
    assertThatThrownBy(() -> LedgerFormat.of(Path.of("x.txt")))
        .isInstanceOf(LedgerException.class)
        .hasMessage("ledger x.txt: name must end in .csv or .jsonl; pick a --ledger with one of those");
  }

  @Test
  void createsTheLedgerOwnerOnly() throws IOException {
    Path p = dir.resolve("l.csv");
    LedgerWriter.open(p).close();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
  }

  @Test
  void recordsOffTheCallersThreadInOrder() {
    Path p = dir.resolve("l.csv");
    List<String> threads = new ArrayList<>();
    try (LedgerWriter w = LedgerWriter.open(p)) {
      StepVerifier.create(w.record(Flux.range(0, 50).map(i -> result("k" + i, Outcome.CREATED, null)))
              .doOnNext(r -> threads.add(Thread.currentThread().getName())))
          .expectNextCount(50)
          .verifyComplete();
    }
    assertThat(threads).allMatch(t -> t.startsWith("ledger-writer"));
    assertThat(readAll(p)).extracting(ItemResult::key).startsWith("k0", "k1", "k2").hasSize(50);
  }

  @Test
  void forcesPendingRecordsWithinASecond() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    Path p = dir.resolve("l.csv");
    try (LedgerWriter w = LedgerWriter.open(p, vts)) {
      w.append(result("a", Outcome.CREATED, null));
      assertThat(w.dirty()).isTrue();
      vts.advanceTimeBy(Duration.ofMillis(999));
      assertThat(w.dirty()).isTrue();
      vts.advanceTimeBy(Duration.ofMillis(1));
      assertThat(w.dirty()).isFalse();
      vts.advanceTimeBy(Duration.ofMillis(1500));
      w.append(result("b", Outcome.CREATED, null));
      assertThat(w.dirty()).as("a second after the last force, an append forces at once").isFalse();
    } finally {
      vts.dispose();
    }
  }

  /**
   * Regression: close() stopped the periodic force before taking the writer's lock; stopping it
   * interrupts a force in progress, which closes the file channel, and close() then failed with
   * ClosedChannelException (exit 64 after a run that went well, seen on a loaded machine). It must
   * stop it while holding the lock, which a force in progress holds.
   */
  @Test
  void closeStopsThePeriodicForceOnlyWhileNoForceIsInProgress() {
    Scheduler single = Schedulers.newSingle("ledger-test", true);
    AtomicReference<LedgerWriter> writer = new AtomicReference<>();
    AtomicBoolean stoppedUnderTheLock = new AtomicBoolean();
    Scheduler watched = new Scheduler() {
      @Override
      public Disposable schedule(Runnable task) {
        return single.schedule(task);
      }

      @Override
      public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return single.schedule(task, delay, unit);
      }

      @Override
      public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        Disposable d = single.schedulePeriodically(task, initialDelay, period, unit);
        return () -> {
          stoppedUnderTheLock.set(Thread.holdsLock(writer.get()));
          d.dispose();
        };
      }

      @Override
      public long now(TimeUnit unit) {
        return single.now(unit);
      }

      @Override
      public Worker createWorker() {
        return single.createWorker();
      }
    };
    try {
      writer.set(LedgerWriter.open(dir.resolve("l.csv"), watched));
      writer.get().append(result("a", Outcome.CREATED, null));
      writer.get().close();
      assertThat(stoppedUnderTheLock).isTrue();
    } finally {
      single.dispose();
    }
  }
}
