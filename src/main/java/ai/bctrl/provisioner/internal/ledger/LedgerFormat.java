package ai.bctrl.provisioner.internal.ledger;

import java.nio.file.Path;
import java.util.Locale;

/** How a ledger file is written, chosen by its extension. */
public enum LedgerFormat {
  /** {@code .csv}: a header row, then one RFC 4180 row per record. */
  CSV,
  /** {@code .jsonl}: one JSON object per line with the CSV's column names. */
  JSONL;

  /** The ledger columns, in order. */
  public static final java.util.List<String> COLUMNS =
      java.util.List.of(
          "key", "line", "spaceId", "name", "outcome", "runtimeId", "status", "httpStatus",
          "errorCode", "error", "attempts", "latencyMs", "finishedAt");

  /**
   * The format for {@code path}'s extension.
   *
   * @throws LedgerException when the extension is neither {@code .csv} nor {@code .jsonl}
   */
  public static LedgerFormat of(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".jsonl")) {
      return JSONL;
    }
    throw new LedgerException(
        "ledger " + path + ": name must end in .csv or .jsonl; pick a --ledger with one of those");
  }
}
