package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.manifest.ManifestFormat;
import ai.bctrl.provisioner.internal.manifest.ManifestOptions;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options {@code run} and {@code validate} share: what to read and which ledger to use. */
final class ManifestArgs {
  @Parameters(index = "0", paramLabel = "MANIFEST",
      description = "A manifest ending in .csv, .json, .jsonl or .ndjson, or - for standard input "
          + "(then --format and --ledger are required).")
  String manifest;

  @Option(names = "--format", paramLabel = "csv|json|jsonl", converter = Converters.FormatConverter.class,
      description = "The manifest's format when it is read from standard input.")
  ManifestFormat format;

  @Option(names = "--space", paramLabel = "ID",
      description = "Space for items that name none. Env: BCTRL_SPACE_ID.")
  String space;

  @Option(names = "--defaults", paramLabel = "FILE.json",
      description = "A partial request body (plus spaceId) merged under every row.")
  Path defaults;

  @Option(names = "--batch", paramLabel = "ID",
      description = "Names this provisioning batch; prefixes every item key (<batch>:<row key>).")
  String batch;

  @Option(names = "--ledger", paramLabel = "PATH",
      description = "The ledger (.csv or .jsonl); resumed if it exists. "
          + "Default: <manifest base name>[.<batch>][.sandbox][.shard-I-of-N].ledger.csv in the working directory.")
  Path ledger;

  @Option(names = "--max-items", paramLabel = "N",
      description = "Refuse to provision more than N items (a guard against a count typo); exit 65.")
  Long maxItems;

  @Option(names = "--shard", paramLabel = "I/N", converter = Converters.ShardConverter.class,
      description = "Only the items whose key hashes to shard I of N (0-based).")
  Shard shard;

  boolean stdin() {
    return "-".equals(manifest);
  }

  /** Checks what picocli cannot; throws {@link UsageException}. */
  void check() {
    if (stdin()) {
      if (format == null) {
        throw new UsageException("MANIFEST - (standard input) needs --format csv|json|jsonl; see --help");
      }
      if (ledger == null) {
        throw new UsageException("MANIFEST - (standard input) needs --ledger PATH; see --help");
      }
    } else {
      String n = manifest.toLowerCase(Locale.ROOT);
      if (!(n.endsWith(".csv") || n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".ndjson"))) {
        throw new UsageException("manifest " + manifest
            + ": name must end in .csv, .json, .jsonl or .ndjson (or be - with --format); see --help");
      }
    }
    if (maxItems != null && maxItems < 1) {
      throw new UsageException("--max-items must be >= 1 but was " + maxItems);
    }
  }

  /** The ledger to use: --ledger, or the default name in {@code workDir}. */
  Path ledgerPath(Path workDir, boolean sandbox) {
    if (ledger != null) {
      return ledger;
    }
    String file = Path.of(manifest).getFileName().toString();
    int dot = file.lastIndexOf('.');
    StringBuilder name = new StringBuilder(dot > 0 ? file.substring(0, dot) : file);
    if (batch != null) {
      // '/' is a valid batch character but must not make the name a path (out of the working
      // directory, or into one that does not exist); '%' is not, so escaped batches stay apart
      name.append('.').append(batch.replace("/", "%2F"));
    }
    if (sandbox) {
      name.append(".sandbox");
    }
    if (shard != null) {
      name.append('.').append(shard.label());
    }
    return workDir.resolve(name.append(".ledger.csv").toString());
  }

  /** The manifest's file name for messages. */
  String fileName() {
    return stdin() ? "<stdin>" : Path.of(manifest).getFileName().toString();
  }

  /**
   * The manifest reader's options for these flags.
   *
   * @param manifestPath the manifest resolved against the working directory, or {@code null} for standard input
   * @param space the space for rows that name none, or {@code null}
   * @throws UsageException when a flag is refused (named as the flag: {@code --batch ...})
   */
  ManifestOptions options(Path manifestPath, String space, Io io) {
    ManifestOptions.Builder b = ManifestOptions.builder();
    if (manifestPath == null) {
      b.stdin(io.in(), format);
    } else {
      b.path(manifestPath);
    }
    if (defaults != null) {
      b.defaults(io.workDir().resolve(defaults));
    }
    if (batch != null) {
      b.batch(batch);
    }
    if (space != null) {
      b.defaultSpace(space);
    }
    if (maxItems != null) {
      b.maxItems(maxItems);
    }
    b.env(io.env());
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      String msg = e.getMessage();
      throw new UsageException(msg.startsWith("batch") || msg.startsWith("space") ? "--" + msg : msg);
    }
  }
}
