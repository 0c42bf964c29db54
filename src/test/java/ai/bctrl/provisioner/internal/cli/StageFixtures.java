package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.ledger.LedgerReader;
import ai.bctrl.provisioner.internal.ledger.LedgerState;
import ai.bctrl.provisioner.internal.ledger.LedgerWriter;
import ai.bctrl.provisioner.internal.manifest.ManifestEntry;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;

/** Items, entries and ledgers for the pipeline stages' tests. */
final class StageFixtures {
  static final String SPACE = "0b5e55ed-5a4d-4b0c-9000-0000000000aa";

  private StageFixtures() {}

  static Item item(String key, long line) {
    return Item.of(key, SPACE, new CreateRuntimeRequest(null, "rt-" + line, null, null, null, null), line);
  }

  static ManifestEntry valid(String key, long line) {
    return new ManifestEntry.Valid(item(key, line));
  }

  static ManifestEntry.Invalid invalid(String key, long line) {
    return new ManifestEntry.Invalid(key, line, SPACE, null, "count", "must be an integer 1..10000, got \"x\"");
  }

  static ItemResult result(String key, Outcome outcome) {
    return new ItemResult(key, 2, SPACE, null, outcome, null, null, null, null, null, 1, 10, Instant.EPOCH);
  }

  /** A ledger file in {@code dir} holding {@code results} in order, read back. */
  static LedgerState ledger(Path dir, ItemResult... results) {
    Path path = dir.resolve("run.ledger.csv");
    try (LedgerWriter w = LedgerWriter.open(path)) {
      for (ItemResult r : results) {
        w.append(r);
      }
    }
    return LedgerReader.load(path, false);
  }

  /** Standard error captured as text. */
  static final class Err {
    final StringWriter text = new StringWriter();
    final PrintWriter writer = new PrintWriter(text, true);

    @Override
    public String toString() {
      return text.toString();
    }
  }
}
