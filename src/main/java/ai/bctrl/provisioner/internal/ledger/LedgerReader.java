package ai.bctrl.provisioner.internal.ledger;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Reads a ledger: every record in order, and the state a resumed run starts from. */
public final class LedgerReader {
  private LedgerReader() {}

  /**
   * Reads the ledger at {@code path} into its last outcome per key. A missing file is an empty
   * ledger. A last line without its newline was cut short by a crash: with {@code repair} it is
   * truncated away (call this only while holding the {@link LedgerLock}), otherwise it is ignored;
   * either way {@link LedgerState#repairNotice()} reports it. Blocking: call it off event loops.
   *
   * @throws LedgerException when the file cannot be read or a complete line is not a record
   */
  public static LedgerState load(Path path, boolean repair) {
    Map<String, Outcome> last = new HashMap<>();
    long[] records = {0};
    Scan scan = scan(path, repair, r -> {
      last.put(r.key(), r.outcome());
      records[0]++;
    });
    if (scan == null) {
      return LedgerState.empty(path);
    }
    return new LedgerState(path, scan.lastModified, last, records[0], scan.notice);
  }

  /**
   * Calls {@code each} with every complete record of the ledger, in file order, without changing
   * the file. A missing file has none.
   *
   * @throws LedgerException when the file cannot be read or a complete line is not a record
   */
  public static void forEach(Path path, Consumer<ItemResult> each) {
    scan(path, false, each);
  }

  private record Scan(Instant lastModified, String notice) {}

  private static Scan scan(Path path, boolean repair, Consumer<ItemResult> each) {
    LedgerCodec codec = new LedgerCodec(LedgerFormat.of(path));
    Instant lastModified;
    long complete;
    String notice = null;
    try {
      lastModified = Files.getLastModifiedTime(path).toInstant();
      try (FileChannel ch = repair
          ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
          : FileChannel.open(path, StandardOpenOption.READ)) {
        long size = ch.size();
        complete = endOfLastCompleteLine(ch, size);
        if (complete < size) {
          long cut = size - complete;
          if (repair) {
            ch.truncate(complete);
            ch.force(true);
            notice = "ledger " + path + ": its last line was cut short (" + cut
                + " bytes, probably by a crash); removed it, the run goes on";
          } else {
            notice = "ledger " + path + ": its last line was cut short (" + cut
                + " bytes, probably by a crash); ignored it";
          }
        }
      }
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new LedgerException("ledger " + path + ": cannot read it (" + reason(e)
          + "); check its permissions or pick another --ledger", e);
    }
    readLines(path, codec, complete, each);
    return new Scan(lastModified, notice);
  }

  private static void readLines(Path path, LedgerCodec codec, long limit, Consumer<ItemResult> each) {
    if (limit == 0) {
      return;
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        BufferedReader in = new BufferedReader(new InputStreamReader(
            new BoundedInputStream(Channels.newInputStream(ch), limit),
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)),
            1 << 16)) {
      String line;
      long number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (number == 1 && codec.format() == LedgerFormat.CSV) {
          if (!codec.isHeader(line)) {
            throw new LedgerException("ledger " + path + ":1: not the ledger header \""
                + LedgerCodec.CSV_HEADER + "\"; is this a provisioner ledger? pick another --ledger");
          }
          continue;
        }
        if (line.isBlank()) {
          continue;
        }
        ItemResult r;
        try {
          r = codec.decode(line);
        } catch (IllegalArgumentException e) {
          throw new LedgerException("ledger " + path + ":" + number + ": " + e.getMessage()
              + "; fix or delete that line");
        }
        each.accept(r);
      }
    } catch (CharacterCodingException e) {
      throw new LedgerException("ledger " + path + ": not UTF-8 text; is this a provisioner ledger?");
    } catch (IOException | UncheckedIOException e) {
      throw new LedgerException("ledger " + path + ": cannot read it (" + reason(e)
          + "); check its permissions or pick another --ledger", e);
    }
  }

  /** The position just after the last '\n' in the first {@code size} bytes, or 0. */
  private static long endOfLastCompleteLine(FileChannel ch, long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    long end = size;
    while (end > 0) {
      long start = Math.max(0, end - buf.capacity());
      buf.clear().limit((int) (end - start));
      long pos = start;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new IOException("file shrank while reading");
        }
        pos += n;
      }
      for (int i = (int) (end - start) - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return start + i + 1;
        }
      }
      end = start;
    }
    return 0;
  }

  static String reason(Exception e) {
    String m = e.getMessage();
    String type = e.getClass().getSimpleName();
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return m == null ? type : type + ": " + m;
  }

  /** An input stream that ends after {@code limit} bytes. */
  private static final class BoundedInputStream extends java.io.FilterInputStream {
    private long left;

    BoundedInputStream(java.io.InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
