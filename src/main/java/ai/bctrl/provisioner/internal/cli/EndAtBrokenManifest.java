package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.internal.manifest.ManifestException;
import java.io.PrintWriter;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stage "broken manifest": when the manifest turns out unreadable or malformed mid-run (or over
 * {@code --max-items}), the items end there: the problem is told on standard error in one line,
 * the run is marked for exit 65, and the items before the bad row are still provisioned and
 * recorded. Any other error passes through untouched. It must not print a stack trace or a secret.
 *
 * @param tally marks the run for exit 65
 * @param redactor takes secrets out of the line told
 * @param err standard error
 */
record EndAtBrokenManifest(RunTally tally, Redactor redactor, PrintWriter err)
    implements Function<Flux<Item>, Flux<Item>> {

  @Override
  public Flux<Item> apply(Flux<Item> items) {
    return items.onErrorResume(ManifestException.class, e -> {
      tally.manifestBroken();
      err.println("provisioner: " + redactor.redact(Main.oneLine(e.getMessage())));
      return Mono.empty();
    });
  }
}
