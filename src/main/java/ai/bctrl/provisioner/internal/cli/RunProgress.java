package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.internal.manifest.ManifestEntry;
import ai.bctrl.provisioner.internal.manifest.ManifestOptions;
import ai.bctrl.provisioner.internal.manifest.ManifestReader;
import java.util.function.DoubleSupplier;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * The progress of a run on standard error ({@link Progress}), fed by the {@link RunTally} and the
 * engine's stats, with its total counted ahead: a second, cheap pass over a manifest file counts
 * the items the run will provision (the same {@link KeepShard} and {@link SkipDone} decisions,
 * nothing recorded, errors ignored: the main pass reports them), so the bar has a total and an ETA
 * before the main pass has read everything. Standard input cannot be read twice: no precount then.
 * Draws on a parallel timer and must never block it; the precount reads on {@code boundedElastic}.
 */
final class RunProgress {
  private final Progress progress;
  private final Disposable precount;

  private RunProgress(Progress progress, Disposable precount) {
    this.progress = progress;
    this.precount = precount;
  }

  /**
   * Starts drawing.
   *
   * @param manifest the manifest to precount, or {@code null} for standard input
   * @param learnedRate with {@code --rate auto}, the rate in force now (else NaN)
   */
  static RunProgress start(Io io, RunTally tally, Provisioner engine, ManifestOptions manifest, KeepShard shard,
      SkipDone skipDone, DoubleSupplier learnedRate) {
    Disposable precount = manifest == null ? null : ManifestReader.read(manifest)
        .transform(shard)
        .filter(e -> e instanceof ManifestEntry.Valid)
        .map(KeepShard::key)
        .filter(skipDone::provisions)
        .count()
        .subscribe(tally::precounted, e -> { });
    Progress progress = new Progress(io.err(), io.terminal(),
        () -> tally.snapshot(engine.stats().inFlight(), Summary.Retries.of(engine.stats().retries()).total())
            .withLearnedRate(learnedRate.getAsDouble()),
        Schedulers.parallel());
    progress.start();
    return new RunProgress(progress, precount);
  }

  /** Starts drawing what {@code source} tells, with no manifest to count ahead (teardown knows its total). */
  static RunProgress start(Io io, java.util.function.Supplier<Progress.Snapshot> source) {
    Progress progress = new Progress(io.err(), io.terminal(), source, Schedulers.parallel());
    progress.start();
    return new RunProgress(progress, null);
  }

  /** Stops drawing (leaving the screen ready for the summary). Idempotent. */
  void stop() {
    progress.stop();
  }

  /** Stops the precount and drawing. Idempotent. */
  void close() {
    if (precount != null) {
      precount.dispose();
    }
    progress.stop();
  }
}
