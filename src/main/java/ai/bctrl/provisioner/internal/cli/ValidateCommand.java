package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.ledger.LedgerReader;
import ai.bctrl.provisioner.internal.ledger.LedgerState;
import ai.bctrl.provisioner.internal.manifest.ManifestEntry;
import ai.bctrl.provisioner.internal.manifest.ManifestPlan;
import ai.bctrl.provisioner.internal.manifest.ManifestReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import reactor.core.publisher.Flux;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code validate}: check a manifest and print the plan; no network. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
      "Read MANIFEST, print every invalid row, then the plan: items per space and per shape, and, when the "
          + "ledger exists, how many would be created versus already done and which ledger keys the manifest "
          + "no longer has. No network.",
      "Exit 0 when every row is valid, 65 otherwise."
    })
final class ValidateCommand implements Callable<Integer> {
  private final Io io;

  @Mixin ManifestArgs manifest;

  @Option(names = "--no-list",
      description = "Plan for a run with --no-list: nothing is adopted or settled, and unknown items are left as they are.")
  boolean noList;

  ValidateCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    manifest.check();
    return plan(manifest, false, noList, io);
  }

  /**
   * {@code validate} and {@code run --dry-run}: reads the manifest (this shard) and the ledger, if
   * any, and prints the plan; 0 when every row is valid, else 65. No network, no ledger write (a
   * cut last line is reported, not repaired).
   */
  static int plan(ManifestArgs m, boolean sandbox, boolean noList, Io io) {
    Path manifestPath = m.stdin() ? null : io.workDir().resolve(m.manifest);
    String env = io.env().get("BCTRL_SPACE_ID");
    String space = m.space != null ? m.space : env == null || env.isBlank() ? null : env.strip(); // as run does
    if (sandbox && space == null) {
      space = RunPipeline.SANDBOX_SPACE;
    }
    Path ledgerPath = io.workDir().resolve(m.ledgerPath(io.workDir(), sandbox));
    LedgerState ledger = LedgerReader.load(ledgerPath, false);
    ledger.repairNotice().ifPresent(n -> io.err().println("provisioner: " + n));
    Map<String, Outcome> outcomes = ledger.itemOutcomes();
    Flux<ManifestEntry> entries =
        ManifestReader.read(m.options(manifestPath, space, io)).transform(new KeepShard(m.shard));
    ManifestPlan plan = ManifestPlan.of(entries, outcomes).block();
    io.out().print(plan.render(m.fileName(), noList));
    io.out().flush();
    return plan.invalidRows() > 0 ? ExitCodes.MANIFEST : ExitCodes.OK;
  }
}
