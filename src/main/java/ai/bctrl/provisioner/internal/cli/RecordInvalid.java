package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.internal.manifest.ManifestEntry;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * Stage "invalid rows": an invalid row is recorded in the ledger (outcome {@code invalid}), told on
 * standard error in one line ({@code file:line: field: problem}) and counted as not done; it never
 * goes further, so it is never sent. Valid entries go on as their {@link Item}, in order.
 *
 * <p>The record is appended synchronously on the thread the manifest is read on ({@code
 * boundedElastic}), so it is in the ledger before the next row is read. This stage must therefore
 * stay ahead of any {@code publishOn} onto a Netty or parallel thread, and must not print or record
 * anything that has not passed through the {@link Redactor}.
 *
 * @param ledger appends one record, blocking (the ledger writer's {@code append})
 * @param redactor takes secrets out of what is recorded and told
 * @param clock stamps the record's {@code finishedAt}
 * @param tally counts the row as not done
 * @param err standard error
 * @param fileName the manifest as the user named it, for the stderr line
 */
record RecordInvalid(
    Consumer<ItemResult> ledger, Redactor redactor, Clock clock, RunTally tally, PrintWriter err, String fileName)
    implements Function<Flux<ManifestEntry>, Flux<Item>> {

  @Override
  public Flux<Item> apply(Flux<ManifestEntry> entries) {
    return entries.handle((entry, sink) -> {
      if (entry instanceof ManifestEntry.Invalid invalid) {
        ItemResult r = redactor.redactResult(invalid.toResult(clock.instant()));
        ledger.accept(r);
        err.println("provisioner: " + redactor.redact(invalid.describe(fileName)));
        tally.invalid(r);
      } else {
        sink.next(((ManifestEntry.Valid) entry).item());
      }
    });
  }
}
