package ai.bctrl.provisioner.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerLockTest {
  @TempDir Path dir;

  @Test
  void writesItsPidAndStartTimeOwnerOnlyAndRemovesItOnRelease() throws IOException {
    Path ledger = dir.resolve("m.ledger.csv");
    LedgerLock lock = LedgerLock.acquire(ledger);
    Path file = dir.resolve("m.ledger.csv.lock");
    assertThat(lock.path()).isEqualTo(file);
    assertThat(lock.previousRunCrashed()).isFalse();
    assertThat(Files.readString(file)).startsWith("pid=" + ProcessHandle.current().pid() + "\nstarted=");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    lock.release();
    assertThat(file).doesNotExist();
  }

  @Test
  void refusesALockHeldByALiveProcess() {
    Path ledger = dir.resolve("m.ledger.csv");
    try (LedgerLock held = LedgerLock.acquire(ledger)) {
      assertThatThrownBy(() -> LedgerLock.acquire(ledger))
          .isInstanceOf(LedgerLockedException.class)
          .hasMessage("ledger " + ledger + " is locked by running process " + ProcessHandle.current().pid()
              + "; wait for it to end or use another --ledger");
      assertThat(held.path()).exists();
    }
  }

  @Test
  void takesOverTheLockOfADeadProcessAndKnowsThePreviousRunCrashed() throws IOException {
    Path ledger = dir.resolve("m.ledger.csv");
    Files.writeString(LedgerLock.lockPath(ledger), "pid=999999\nstarted=2026-01-01T00:00:00Z\n");
    try (LedgerLock lock = LedgerLock.acquire(ledger, ProcessHandle.current(), pid -> Optional.empty())) {
      assertThat(lock.previousRunCrashed()).isTrue();
      assertThat(lock.previousPid()).isEqualTo(999999);
      assertThat(Files.readString(lock.path())).startsWith("pid=" + ProcessHandle.current().pid());
    }
  }

  @Test
  void treatsAPidReusedByAnotherProcessAsDead() throws IOException {
    Path ledger = dir.resolve("m.ledger.csv");
    long me = ProcessHandle.current().pid();
    Files.writeString(LedgerLock.lockPath(ledger), "pid=" + me + "\nstarted=2001-01-01T00:00:00Z\n");
    try (LedgerLock lock = LedgerLock.acquire(ledger)) {
      assertThat(lock.previousRunCrashed()).isTrue();
    }
  }

  @Test
  void treatsALockFileCutByACrashAsDead() throws IOException {
    Path ledger = dir.resolve("m.ledger.csv");
    Files.writeString(LedgerLock.lockPath(ledger), "pi");
    try (LedgerLock lock = LedgerLock.acquire(ledger)) {
      assertThat(lock.previousRunCrashed()).isTrue();
    }
  }

  @Test
  void aLockFileThatCannotBeReadIsReportedAsUnreadableNotUnwritable() throws IOException {
    Path ledger = dir.resolve("m.ledger.csv");
    Files.createDirectory(LedgerLock.lockPath(ledger)); // reading it fails, as an unreadable file would
    assertThatThrownBy(() -> LedgerLock.acquire(ledger))
        .isInstanceOf(LedgerException.class)
        .hasMessageStartingWith("lock file " + LedgerLock.lockPath(ledger) + ": cannot read it (")
        .hasMessageEndingWith("); check its permissions, or delete it if no run is using " + ledger);
  }

  @Test
  void twoRunsStartingTogetherNeverBothGetTheLock() throws Exception {
    // a lock file is never seen empty or half written by a run that is taking it: otherwise the
    // other run takes it for a crashed one's, deletes it and runs on the same ledger too
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 300; round++) {
        Path ledger = dir.resolve("r" + round + ".ledger.csv");
        LedgerLock[] got = race(pool, () -> LedgerLock.acquire(ledger));
        LedgerLock la = got[0];
        LedgerLock lb = got[1];
        assertThat(la == null || lb == null).as("round %d: both runs got the lock", round).isTrue();
        assertThat(la != null || lb != null).as("round %d: neither run got the lock", round).isTrue();
        assertThat((la != null ? la : lb).previousRunCrashed()).as("round %d", round).isFalse();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twoRunsFindingTheSameCrashedRunsLockNeverBothGetIt() throws Exception {
    // both take the dead pid's lock for stale; the slower one must not delete the lock the faster
    // one has just written in its place
    java.util.function.LongFunction<Optional<ProcessHandle>> lookup =
        pid -> pid == 999999 ? Optional.empty() : ProcessHandle.of(pid);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 300; round++) {
        Path ledger = dir.resolve("s" + round + ".ledger.csv");
        Files.writeString(LedgerLock.lockPath(ledger), "pid=999999\nstarted=2026-01-01T00:00:00Z\n");
        LedgerLock[] got = race(pool, () -> LedgerLock.acquire(ledger, ProcessHandle.current(), lookup));
        LedgerLock la = got[0];
        LedgerLock lb = got[1];
        assertThat(la == null || lb == null).as("round %d: both runs got the lock", round).isTrue();
        assertThat(la != null || lb != null).as("round %d: neither run got the lock", round).isTrue();
        assertThat(LedgerLock.lockPath(ledger)).as("round %d", round).exists();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
          String prefix = "s" + round + ".";
          assertThat(files.filter(f -> f.getFileName().toString().startsWith(prefix)))
              .as("round %d: nothing left beside the lock", round).hasSize(1);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Two threads take the lock at the same instant; each gets it, or {@code null} when it was locked. */
  private static LedgerLock[] race(java.util.concurrent.ExecutorService pool,
      java.util.concurrent.Callable<LedgerLock> acquire) throws Exception {
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.Callable<LedgerLock> take = () -> {
      start.await();
      try {
        return acquire.call();
      } catch (LedgerLockedException e) {
        return null;
      }
    };
    java.util.concurrent.Future<LedgerLock> a = pool.submit(take);
    java.util.concurrent.Future<LedgerLock> b = pool.submit(take);
    return new LedgerLock[] {a.get(), b.get()};
  }
}
