package ai.bctrl.provisioner.internal.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The lock file {@code <ledger>.lock}, holding the owner's pid and start time, kept while a run
 * uses the ledger. Finding one whose owner is gone means the previous run crashed: any of its items
 * may have been in flight, so the new run must not trust a listing taken too soon after the
 * ledger's last change.
 */
public final class LedgerLock implements AutoCloseable {
  /** Start times closer than this are the same process (the OS reports them coarsely). */
  private static final Duration SAME_START = Duration.ofSeconds(2);

  private final Path path;
  private final boolean previousRunCrashed;
  private final long previousPid;
  private boolean released;

  private LedgerLock(Path path, boolean previousRunCrashed, long previousPid) {
    this.path = path;
    this.previousRunCrashed = previousRunCrashed;
    this.previousPid = previousPid;
  }

  /** The lock file of {@code ledger}. */
  public static Path lockPath(Path ledger) {
    return ledger.resolveSibling(ledger.getFileName() + ".lock");
  }

  /**
   * Takes the lock of {@code ledger} for this process. Blocking.
   *
   * @throws LedgerLockedException when a live process holds it
   * @throws LedgerException when the lock file cannot be written
   */
  public static LedgerLock acquire(Path ledger) {
    return acquire(ledger, ProcessHandle.current(), ProcessHandle::of);
  }

  static LedgerLock acquire(Path ledger, ProcessHandle self, LongFunction<Optional<ProcessHandle>> lookup) {
    Path lock = lockPath(ledger);
    String content = "pid=" + self.pid() + "\nstarted="
        + self.info().startInstant().map(Instant::toString).orElse("") + "\n";
    boolean crashed = false;
    long previousPid = -1;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        create(lock, content);
        return new LedgerLock(lock, crashed, previousPid);
      } catch (FileAlreadyExistsException e) {
        Owner owner = readOwner(ledger, lock);
        if (owner != null && owner.alive(lookup)) {
          throw new LedgerLockedException(ledger, owner.pid);
        }
        // Take the stale lock away in one step, then check it is the one judged stale: another run
        // may have done the same and already put its own lock in its place.
        crashed = true;
        previousPid = owner == null ? -1 : owner.pid;
        Path aside = uniqueSibling(lock, ".stale");
        try {
          Files.move(lock, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
          continue;
        } catch (IOException ex) {
          throw cannot(lock, ex);
        }
        try {
          Owner moved = readOwner(ledger, aside);
          if (moved != null && moved.alive(lookup)) {
            try {
              Files.move(aside, lock); // give it back; fails if yet another run holds the lock now
            } catch (IOException ex) {
              // the lock is held all the same
            }
            throw new LedgerLockedException(ledger, moved.pid);
          }
        } finally {
          try {
            Files.deleteIfExists(aside);
          } catch (IOException ex) {
            // only litter beside the ledger
          }
        }
      } catch (IOException e) {
        throw cannot(lock, e);
      }
    }
    Owner owner = readOwner(ledger, lock);
    throw new LedgerLockedException(ledger, owner == null ? -1 : owner.pid);
  }

  /**
   * Creates {@code lock} holding {@code content}, or throws {@link FileAlreadyExistsException}. The
   * lock appears whole: the content is written to a file of its own first and then hard-linked in
   * place, so a run starting at the same moment never reads an empty lock, takes it for a crashed
   * run's, deletes it and uses the ledger too. Where the file system has no hard links, the lock is
   * created and then written.
   */
  private static void create(Path lock, String content) throws IOException {
    Path tmp = uniqueSibling(lock, ".tmp");
    createOwnerOnly(tmp);
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.createLink(lock, tmp);
        return;
      } catch (FileAlreadyExistsException e) {
        throw e;
      } catch (UnsupportedOperationException | IOException e) {
        // no hard links here: create, then write
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    createOwnerOnly(lock);
    Files.writeString(lock, content, StandardCharsets.UTF_8);
  }

  /** A name beside {@code lock} that no other run or thread picks. */
  private static Path uniqueSibling(Path lock, String suffix) {
    return lock.resolveSibling(lock.getFileName() + "." + ProcessHandle.current().pid() + "."
        + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + suffix);
  }

  private static void createOwnerOnly(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
  }

  private static LedgerException cannot(Path lock, IOException e) {
    return new LedgerException("lock file " + lock + ": cannot write it (" + LedgerReader.reason(e)
        + "); check the directory's permissions or pick another --ledger", e);
  }

  private record Owner(long pid, Instant started) {
    boolean alive(LongFunction<Optional<ProcessHandle>> lookup) {
      Optional<ProcessHandle> p = lookup.apply(pid);
      if (p.isEmpty() || !p.get().isAlive()) {
        return false;
      }
      if (started == null) {
        return true;
      }
      // a pid reused by another process after a crash: a different start time
      return p.get().info().startInstant()
          .map(s -> Duration.between(s, started).abs().compareTo(SAME_START) < 0)
          .orElse(true);
    }
  }

  private static Owner readOwner(Path ledger, Path lock) {
    String text;
    try {
      text = Files.readString(lock, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new LedgerException("lock file " + lock + ": cannot read it (" + LedgerReader.reason(e)
          + "); check its permissions, or delete it if no run is using " + ledger, e);
    }
    long pid = -1;
    Instant started = null;
    for (String line : text.split("\n")) {
      try {
        if (line.startsWith("pid=")) {
          pid = Long.parseLong(line.substring(4).trim());
        } else if (line.startsWith("started=") && line.length() > 8) {
          started = Instant.parse(line.substring(8).trim());
        }
      } catch (RuntimeException e) {
        // a lock file cut by a crash: its owner is gone
      }
    }
    return pid > 0 ? new Owner(pid, started) : null;
  }

  /** The lock file. */
  public Path path() {
    return path;
  }

  /** Whether a lock file of a process that is gone was found: the previous run crashed. */
  public boolean previousRunCrashed() {
    return previousRunCrashed;
  }

  /** The pid of the crashed previous run, or -1. */
  public long previousPid() {
    return previousPid;
  }

  /** Deletes the lock file. Idempotent. */
  public synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw cannot(path, e);
    }
  }

  @Override
  public void close() {
    release();
  }
}
