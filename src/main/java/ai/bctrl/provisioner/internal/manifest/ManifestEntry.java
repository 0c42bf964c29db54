package ai.bctrl.provisioner.internal.manifest;

import ai.bctrl.provisioner.ErrorCodes;
import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import java.time.Instant;
import java.util.Objects;

/** What reading a manifest yields: one {@link Valid} per item (after {@code count}), one {@link Invalid} per bad row. */
public sealed interface ManifestEntry {

  /** The manifest line the row starts on (1-based). */
  long line();

  /** An item ready to provision. */
  record Valid(Item item) implements ManifestEntry {
    public Valid {
      Objects.requireNonNull(item, "item");
    }

    @Override
    public long line() {
      return item.line();
    }
  }

  /**
   * A row that must not be sent.
   *
   * @param key the row key (with the {@code --batch} prefix), or {@code line-<n>} when none can be
   *     derived (an invalid explicit key, an element that is not an object)
   * @param spaceId the row's space when known, else {@code null}
   * @param name the row's name as written, else {@code null}
   * @param field the dot path of the first bad field, or {@code null} when the whole row is wrong
   * @param message what is wrong and what to do; when several fields are wrong, the others follow
   *     as {@code "; <field>: <message>"}. Never holds an interpolated value.
   */
  record Invalid(String key, long line, String spaceId, String name, String field, String message)
      implements ManifestEntry {
    public Invalid {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(message, "message");
    }

    /** One line: {@code manifest.csv:17: config.proxy.port: must be an integer 1..65535, got "80a"}. */
    public String describe(String fileName) {
      return fileName + ":" + line + ": " + problem();
    }

    /** The problem without the place: {@code config.proxy.port: must be ...}. */
    public String problem() {
      return field == null ? message : field + ": " + message;
    }

    /** The ledger record: outcome {@code invalid}, error = {@link #describe} of {@code fileName}. */
    public ItemResult toResult(Instant now, String fileName) {
      return result(now, describe(fileName));
    }

    /** The ledger record: outcome {@code invalid}, error = {@link #problem()} (the line has its own column). */
    public ItemResult toResult(Instant now) {
      return result(now, problem());
    }

    private ItemResult result(Instant now, String error) {
      return new ItemResult(key, line, spaceId, name, Outcome.INVALID, null, null, null,
          ErrorCodes.INVALID_ROW, error, 0, 0, now);
    }
  }
}
