package ai.bctrl.provisioner.internal.ledger;

import ai.bctrl.provisioner.ItemResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Appends records to a ledger, one line per {@link ItemResult}. Each record is handed to the
 * operating system at once (no user-space buffer), and forced to disk at least every second while
 * records come in, within a second after the last one, and at {@link #close()}.
 *
 * <p>A new file is created owner-only ({@code rw-------}) where the file system has POSIX
 * permissions, and a CSV ledger gets its header. Open it only after {@link LedgerReader#load} has
 * repaired a cut last line, while holding the {@link LedgerLock}.
 *
 * <p>{@link #record(Flux)} moves the writes onto this writer's own single thread, so they never
 * run on a Netty or parallel thread.
 */
public final class LedgerWriter implements AutoCloseable {
  private static final long FORCE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Path path;
  private final LedgerCodec codec;
  private final FileChannel channel;
  private final Scheduler scheduler;
  private final boolean ownScheduler;
  private final Disposable periodicForce;
  private long lastForceNanos;
  private boolean dirty;
  private long written;
  private boolean closed;

  private LedgerWriter(Path path, FileChannel channel, Scheduler scheduler, boolean ownScheduler) {
    this.path = path;
    this.codec = new LedgerCodec(LedgerFormat.of(path));
    this.channel = channel;
    this.scheduler = scheduler;
    this.ownScheduler = ownScheduler;
    this.lastForceNanos = scheduler.now(TimeUnit.NANOSECONDS);
    this.periodicForce =
        scheduler.schedulePeriodically(this::forceIfDirty, 1, 1, TimeUnit.SECONDS);
  }

  /** Opens {@code path} for appending on a dedicated daemon thread. Blocking. */
  public static LedgerWriter open(Path path) {
    return open(path, Schedulers.newSingle("ledger-writer", true), true);
  }

  /**
   * Opens {@code path} for appending; {@link #record(Flux)} and the periodic force run on {@code
   * scheduler}, which must run one task at a time (e.g. a single or a virtual-time scheduler) and
   * which the caller keeps owning. Blocking.
   */
  public static LedgerWriter open(Path path, Scheduler scheduler) {
    return open(path, scheduler, false);
  }

  private static LedgerWriter open(Path path, Scheduler scheduler, boolean own) {
    Objects.requireNonNull(path, "path");
    LedgerFormat.of(path);
    try {
      createOwnerOnly(path);
      FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      LedgerWriter w = new LedgerWriter(path, ch, scheduler, own);
      if (ch.size() == 0) {
        w.write(w.codec.header());
        w.force();
      }
      return w;
    } catch (IOException e) {
      if (own) {
        scheduler.dispose();
      }
      throw new LedgerException("ledger " + path + ": cannot open it for writing ("
          + LedgerReader.reason(e) + "); check the directory's permissions or pick another --ledger", e);
    }
  }

  /** Creates the file (and nothing else) with owner-only permissions if it does not exist. */
  static void createOwnerOnly(Path path) throws IOException {
    if (Files.exists(path)) {
      return;
    }
    try {
      if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(path);
      }
    } catch (FileAlreadyExistsException e) {
      // created by someone else between the check and here: append to it
    }
  }

  /** The ledger file. */
  public Path path() {
    return path;
  }

  /** Records appended through this writer. */
  public synchronized long written() {
    return written;
  }

  /**
   * Appends {@code result} as one line, handed to the OS at once; forces it to disk too when the
   * last force was a second ago or more. Blocking.
   *
   * @throws LedgerException when the write fails
   */
  public synchronized void append(ItemResult result) {
    if (closed) {
      throw new IllegalStateException("ledger " + path + " is closed");
    }
    try {
      write(codec.encode(result));
      written++;
      dirty = true;
      if (scheduler.now(TimeUnit.NANOSECONDS) - lastForceNanos >= FORCE_EVERY_NANOS) {
        force();
      }
    } catch (IOException e) {
      throw new LedgerException("ledger " + path + ": cannot write to it (" + LedgerReader.reason(e)
          + "); free disk space or pick another --ledger", e);
    }
  }

  /**
   * Appends every result on this writer's thread as it arrives and passes it on, in order. Cold:
   * nothing is written before subscription.
   */
  public Flux<ItemResult> record(Flux<ItemResult> results) {
    return results.publishOn(scheduler, 256).doOnNext(this::append);
  }

  /** Forces everything written so far to disk. Blocking. */
  public synchronized void force() throws IOException {
    channel.force(false);
    dirty = false;
    lastForceNanos = scheduler.now(TimeUnit.NANOSECONDS);
  }

  /** Whether records were written since the last force. */
  synchronized boolean dirty() {
    return dirty;
  }

  private synchronized void forceIfDirty() {
    if (dirty && !closed) {
      try {
        force();
      } catch (IOException e) {
        // the next append or close reports it
      }
    }
  }

  private void write(byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  /** Forces and closes the file, and stops the periodic force. Idempotent. Blocking. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      // Stopped under the lock, so never while the periodic force is inside channel.force(): the
      // interrupt that stopping it may send would close the channel there, and this close would
      // fail with ClosedChannelException (exit 64) at the end of a run that went well.
      periodicForce.dispose();
      try {
        channel.force(false);
        channel.close();
      } catch (IOException e) {
        throw new LedgerException("ledger " + path + ": cannot finish writing it ("
            + LedgerReader.reason(e) + ")", e);
      } finally {
        if (ownScheduler) {
          scheduler.dispose();
        }
      }
    }
  }
}
