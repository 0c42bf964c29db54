package ai.bctrl.provisioner.internal.manifest;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What to read and how: the manifest (a file, or standard input with its format), the optional
 * {@code --defaults}, {@code --batch}, {@code --space} and {@code --max-items}, and the environment
 * that {@code ${NAME}} reads. Immutable; {@link Builder#build()} checks every setting.
 */
public final class ManifestOptions {
  private final Path path;
  private final InputStream stdin;
  private final ManifestFormat format;
  private final Path defaults;
  private final String batch;
  private final String defaultSpace;
  private final Map<String, String> env;
  private final Long maxItems;

  private ManifestOptions(Builder b, ManifestFormat format) {
    this.path = b.path;
    this.stdin = b.stdin;
    this.format = format;
    this.defaults = b.defaults;
    this.batch = b.batch;
    this.defaultSpace = b.defaultSpace;
    this.env = b.env == null ? System.getenv() : Map.copyOf(b.env);
    this.maxItems = b.maxItems;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The manifest file, or {@code null} when reading standard input. */
  public Path path() {
    return path;
  }

  public ManifestFormat format() {
    return format;
  }

  /** The {@code --defaults} file, or {@code null}. */
  public Path defaults() {
    return defaults;
  }

  /** The {@code --batch} id, or {@code null}. */
  public String batch() {
    return batch;
  }

  /** The space for rows that name none, or {@code null}. */
  public String defaultSpace() {
    return defaultSpace;
  }

  /** The {@code --max-items} limit, or {@code null} for none. */
  public Long maxItems() {
    return maxItems;
  }

  /** How messages name the manifest: the path as given, or {@code <stdin>}. */
  public String displayName() {
    return path != null ? path.toString() : "<stdin>";
  }

  InputStream stdin() {
    return stdin;
  }

  Map<String, String> env() {
    return env;
  }

  /** Builds {@link ManifestOptions}. */
  public static final class Builder {
    private Path path;
    private InputStream stdin;
    private ManifestFormat stdinFormat;
    private Path defaults;
    private String batch;
    private String defaultSpace;
    private Map<String, String> env;
    private Long maxItems;

    private Builder() {}

    /** A manifest file; its format comes from its extension: .csv, .json, .jsonl or .ndjson. */
    public Builder path(Path path) {
      this.path = path;
      return this;
    }

    /** Read standard input (MANIFEST {@code -}) in the given format. The reader closes it when done. */
    public Builder stdin(InputStream in, ManifestFormat format) {
      this.stdin = in;
      this.stdinFormat = format;
      return this;
    }

    /** {@code --defaults FILE.json}: a partial request body (plus {@code spaceId}) under every row. */
    public Builder defaults(Path defaults) {
      this.defaults = defaults;
      return this;
    }

    /** {@code --batch ID}: prefixes every item key with {@code ID:}. */
    public Builder batch(String batch) {
      this.batch = batch;
      return this;
    }

    /** {@code --space} / {@code BCTRL_SPACE_ID}: the space of rows that name none. */
    public Builder defaultSpace(String spaceId) {
      this.defaultSpace = spaceId;
      return this;
    }

    /** The variables {@code ${NAME}} reads; {@link System#getenv()} when not set. */
    public Builder env(Map<String, String> env) {
      this.env = env;
      return this;
    }

    /** {@code --max-items N}: more items than this is fatal. */
    public Builder maxItems(Long maxItems) {
      this.maxItems = maxItems;
      return this;
    }

    /**
     * Checks and freezes the settings.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad setting
     */
    public ManifestOptions build() {
      if ((path == null) == (stdin == null)) {
        throw new IllegalArgumentException("give exactly one manifest: a path, or standard input with its format");
      }
      ManifestFormat format;
      if (path != null) {
        format = ManifestFormat.ofPath(path);
        if (format == null) {
          throw new IllegalArgumentException("manifest must end in .csv, .json, .jsonl or .ndjson but was \""
              + path + "\"");
        }
      } else {
        format = Objects.requireNonNull(stdinFormat, "format");
      }
      if (batch != null && !Keys.isValidBatch(batch)) {
        throw new IllegalArgumentException("batch must be 1.." + Keys.MAX_LENGTH + " characters of A-Z a-z 0-9 . _ @ / -"
            + " (no ':') but was \"" + batch + "\"");
      }
      if (defaultSpace != null && !RowProcessor.isValidSpace(defaultSpace)) {
        throw new IllegalArgumentException("space must be 1.." + Keys.MAX_LENGTH
            + " characters of A-Z a-z 0-9 . _ : @ - but was \"" + defaultSpace + "\"");
      }
      if (maxItems != null && maxItems < 1) {
        throw new IllegalArgumentException("maxItems must be >= 1 but was " + maxItems);
      }
      return new ManifestOptions(this, format);
    }
  }
}
