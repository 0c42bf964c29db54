package ai.bctrl.provisioner.internal.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Reads a manifest into {@link ManifestEntry entries}: one {@link ManifestEntry.Valid} per item
 * (rows expanded by {@code count}) and one {@link ManifestEntry.Invalid} per bad row, in manifest
 * order.
 */
public final class ManifestReader {
  private ManifestReader() {}

  /**
   * The manifest's entries. Cold and lazy: nothing is opened until subscription, and rows are read
   * only as fast as entries are requested (one row in memory at a time; a row's {@code count} is
   * expanded one item per request), on {@link Schedulers#boundedElastic()}. Cancelling closes the
   * file. Each subscription reads the manifest anew (standard input can be read once only).
   *
   * <p>Errors with {@link ManifestException} (one line: file:line, what, what to do) when the
   * manifest or {@code --defaults} cannot be read or is malformed, or its header is bad; with
   * {@link MaxItemsExceededException} as soon as the items counted so far exceed {@code --max-items}.
   */
  public static Flux<ManifestEntry> read(ManifestOptions options) {
    return read(options, UnaryOperator.identity());
  }

  /** As {@link #read(ManifestOptions)}, with {@code tap} wrapped around the manifest's stream (tests count bytes with it). */
  static Flux<ManifestEntry> read(ManifestOptions options, UnaryOperator<InputStream> tap) {
    return Flux.<ManifestEntry, Session>generate(
            () -> new Session(options, tap),
            (session, sink) -> {
              ManifestEntry e = session.next();
              if (e == null) {
                session.close(); // before complete: a subscriber that sees the end finds the file shut
                sink.complete();
              } else {
                sink.next(e);
              }
              return session;
            },
            Session::close)
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** One pass over one manifest. */
  private static final class Session {
    private final ManifestOptions options;
    private final String file;
    private final RowSource source;
    private final RowProcessor processor;
    private RowProcessor.Expansion pending;
    private long items;

    Session(ManifestOptions options, UnaryOperator<InputStream> tap) {
      this.options = options;
      this.file = options.displayName();
      Defaults defaults = options.defaults() == null ? Defaults.NONE : Defaults.read(options.defaults(), options.env());
      this.processor = new RowProcessor(options.batch(), options.defaultSpace(), defaults);
      InputStream in = tap.apply(open());
      try {
        this.source = switch (options.format()) {
          case CSV -> new CsvRowSource(in, file, options.env());
          case JSON -> new JsonRowSource(in, file, options.env(), true);
          case JSONL -> new JsonRowSource(in, file, options.env(), false);
        };
      } catch (RuntimeException e) {
        try {
          in.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }

    private InputStream open() {
      if (options.path() == null) {
        return options.stdin();
      }
      try {
        return Files.newInputStream(options.path());
      } catch (NoSuchFileException e) {
        throw new ManifestException(file + ": no such file; check the manifest path", e);
      } catch (AccessDeniedException e) {
        throw new ManifestException(file + ": permission denied; make the manifest readable", e);
      } catch (IOException e) {
        throw new ManifestException(file + ": cannot be read (" + e.getMessage() + "); check the manifest path", e);
      }
    }

    ManifestEntry next() {
      if (pending != null && pending.hasNext()) {
        return pending.next();
      }
      pending = null;
      RawRow raw = source.next();
      if (raw == null) {
        return null;
      }
      Object r = processor.process(raw);
      if (r instanceof ManifestEntry.Invalid invalid) {
        return invalid;
      }
      RowProcessor.Expansion x = (RowProcessor.Expansion) r;
      Long max = options.maxItems();
      if (max != null && items + x.count() > max) {
        throw new MaxItemsExceededException(file + ":" + x.line() + ": the manifest has more than " + max
            + " items (--max-items " + max + "): this row's count " + x.count() + " brings it to " + (items + x.count())
            + "; check the counts, or raise --max-items");
      }
      items += x.count();
      pending = x;
      return pending.next();
    }

    void close() {
      source.close();
    }
  }
}
