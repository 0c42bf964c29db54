package ai.bctrl.provisioner.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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

  ValidateCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    manifest.check();
    return RunPipeline.validate(manifest, false, io);
  }
}
