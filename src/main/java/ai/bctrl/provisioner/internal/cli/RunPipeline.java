package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.ProvisioningStoppedException;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.internal.ledger.LedgerException;
import ai.bctrl.provisioner.internal.ledger.LedgerLock;
import ai.bctrl.provisioner.internal.ledger.LedgerReader;
import ai.bctrl.provisioner.internal.ledger.LedgerState;
import ai.bctrl.provisioner.internal.ledger.LedgerWriter;
import ai.bctrl.provisioner.internal.manifest.ManifestOptions;
import ai.bctrl.provisioner.internal.manifest.ManifestReader;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Flux;

/**
 * The one place a run is wired. {@link #pipeline} reads top to bottom as the run: read, check and
 * key the manifest → keep this shard → record invalid rows → skip what the ledger has done → the
 * engine limits, creates and settles ({@link Provisioner#provision}) → record each result in the
 * ledger; each stage is its own small class. Around it, {@link #runToEnd} sets up and tears down
 * the lifecycle: the ledger lock and everything released with it ({@link RunResources}), signals and
 * {@code --deadline} ({@link RunStop}, {@link Watchdog}), progress ({@link RunProgress}), the
 * summary and exit code ({@link RunTally}, {@link RunReport}) and the {@code --report} page ({@link
 * ReportFile}). Whatever happens, the ledger is flushed; after a clean end or a stop the summary is
 * printed, the report written and the lock released.
 */
final class RunPipeline {
  /** The space used with {@code --sandbox} when neither the manifest nor {@code --space} names one. */
  static final String SANDBOX_SPACE = "0b5e55ed-5a4d-4b0c-9000-000000000001";

  private final RunSettings s;
  private final Io io;
  private final Clock clock = Clock.systemUTC();
  private final Redactor redactor = new Redactor();
  private final ReportFile report;
  private final RunTally tally;
  private final Watchdog watchdog;
  private final RunStop stop;
  private final long startNanos = System.nanoTime();

  RunPipeline(RunSettings settings, Io io) {
    this.s = settings;
    this.io = io;
    this.report = ReportFile.start(settings.report(), clock.instant(), System::nanoTime);
    this.tally = new RunTally(report::item); // every item the summary counts is in the report too
    this.watchdog = new Watchdog(io, this::haltCode, this::reportHalted);
    this.stop = new RunStop(io, settings.grace(), watchdog);
    redactor.add(settings.apiKey());
  }

  /**
   * Runs to the end and returns the exit code; fatal problems throw (mapped by {@link Main}), with
   * any secret taken out of their message.
   */
  int run() {
    try {
      return runToEnd();
    } catch (RuntimeException e) {
      throw redactor.clean(e); // never let a secret reach the error line or a debug stack trace
    }
  }

  /**
   * The run, top to bottom. Cold: nothing is read, sent or recorded until subscription. Invalid rows
   * are recorded on the manifest's reading thread, results on the ledger writer's own thread; none
   * of it runs on a Netty thread.
   */
  private Flux<ItemResult> pipeline(ManifestOptions manifest, KeepShard shard, SkipDone skipDone,
      Provisioner engine, LedgerWriter ledger) {
    RecordInvalid recordInvalid =
        new RecordInvalid(ledger::append, redactor, clock, tally, io.err(), s.manifest().fileName());
    EndAtBrokenManifest endAtBrokenManifest = new EndAtBrokenManifest(tally, redactor, io.err());
    return ManifestReader.read(manifest)           // read, check, key (the manifest package)
        .transform(shard)                          // --shard I/N: only this shard's rows and items
        .transform(recordInvalid)                  // invalid rows: ledger + stderr, never sent
        .transform(skipDone)                       // resume: done skipped, unhealthy kept or replaced
        .transform(endAtBrokenManifest)            // malformed mid-run: the items end there, exit 65
        .doOnNext(redactor::addSecretsOf)          // its proxy password never shows from here on
        .transform(tally::countToProvision)        // progress's total
        .transform(items -> engine.provision(items, stop.requests()))   // limit, create, settle
        .map(redactor::redactResult)               // no secret in a recorded name or error
        .transform(ledger::record)                 // record, on the ledger writer's thread
        .doOnNext(tally::ended);                   // summary, progress, exit code, --report
  }

  private int runToEnd() {
    String space = s.space() != null ? s.space() : s.sandbox() ? SANDBOX_SPACE : null;
    ManifestOptions manifest = s.manifest().options(s.manifestPath(), space, io);
    checkBeforeLocking(manifest);
    RunResources res = new RunResources(LedgerLock.acquire(s.ledger()), watchdog);
    boolean started = false;
    try {
      // from here on a signal is a clean stop: the engine sees it (replayed) as soon as it starts
      res.signals(Signals.install(stop::onSignal));
      LedgerState ledgerState = LedgerReader.load(s.ledger(), true);
      ledgerState.repairNotice().ifPresent(n -> io.err().println("provisioner: " + n));
      LearnedRates learnedRates = s.autoRate() ? new LearnedRates() : null;
      Provisioner engine = res.engine(engine(res, ledgerState, learnedRates));
      LedgerWriter ledger = res.ledger(LedgerWriter.open(s.ledger()));
      if (s.deadline() != null) {
        res.deadline(stop.deadline(s.deadline()));
      }
      KeepShard shard = new KeepShard(s.manifest().shard);
      SkipDone skipDone = new SkipDone(ledgerState, s.replaceUnhealthy(), s.noList(), tally);
      if (!s.quiet()) {
        res.progress(RunProgress.start(io, tally, engine, s.manifestPath() == null ? null : manifest, shard, skipDone,
            learnedRates == null ? () -> Double.NaN : learnedRates::current));
      }

      started = true;
      drain(pipeline(manifest, shard, skipDone, engine, ledger));

      res.endCleanly();
      Summary summary = tally.summary();
      summary.retries(Summary.Retries.of(engine.stats().retries()));
      if (learnedRates != null) {
        summary.learnedRates(learnedRates.snapshot());
      }
      summary.files(s.manifestPath() == null ? "-" : s.manifestPath().toString(), s.ledger().toString());
      int code = ExitCodes.of(stop.kind(), tally.isManifestBroken(), tally.notDone());
      Duration wall = Duration.ofNanos(System.nanoTime() - startNanos);
      summary.finish(wall, stop.why(), code);
      RunReport.print(summary, io, s.summary());
      report.write(s, summary, code, stop.why(), wall, redactor, io);
      return code;
    } catch (RuntimeException e) {
      if (started) {
        reportCutShort(Main.codeOf(e), ReportFile.whyFailed(e)); // what was recorded, and why it ends here
      }
      throw e;
    } finally {
      res.close();
    }
  }

  /** The watchdog's last words: the {@code --report} page of a run that did not stop in time. */
  private void reportHalted() {
    reportCutShort(haltCode(), ReportFile.whyHalted(stop.why()));
  }

  /**
   * The {@code --report} page of a run cut short by an internal error or by the watchdog: what was
   * recorded until now, with the exit code the process ends with. Blocking file I/O, on {@code
   * main}'s thread or the watchdog's.
   */
  private void reportCutShort(int code, String why) {
    report.write(s, tally.summary(), code, why, Duration.ofNanos(System.nanoTime() - startNanos), redactor, io);
  }

  /** The exit code of a run the watchdog must end: the stop's, with items still in doubt. */
  private int haltCode() {
    return ExitCodes.of(stop.kind(), tally.isManifestBroken(), 1);
  }

  /**
   * What can refuse a manifest file as a whole is found before the ledger is locked or created, so
   * a typo leaves no ledger behind and sends nothing. {@code --max-items} guards against a
   * {@code count} typo, so it is checked in a first pass over the whole file: streaming alone would
   * have provisioned the rows before the one that goes over. Otherwise reading the first row is
   * enough to refuse an unknown column or a file that is not CSV or JSON. Standard input can be
   * read only once; there the reader's own checks stop the run when they fail.
   */
  private void checkBeforeLocking(ManifestOptions manifest) {
    if (s.manifestPath() == null) {
      return;
    }
    if (manifest.maxItems() != null) {
      ManifestReader.read(manifest).then().block(); // throws MaxItemsExceededException (exit 65)
    } else {
      ManifestReader.read(manifest).take(1).then().block(); // throws at a bad header or start
    }
  }

  /** Runs the pipeline to its end; an engine stop ends it normally, a ledger failure is fatal. */
  private void drain(Flux<ItemResult> results) {
    try {
      results.blockLast();
    } catch (LedgerException e) {
      throw new RunFailedException(Main.oneLine(e.getMessage())
          + "; the run stopped, rerun to resume once it is fixed", e);
    } catch (ProvisioningStoppedException e) {
      stop.engineStopped(redactor.redact(Main.oneLine(e.getMessage())));
    }
  }

  /**
   * The engine, pointed at the API or, with {@code --sandbox}, at a simulated one started in this
   * process. After a crash of the previous run, or a stop that left items {@code aborted}, no space
   * is listed before {@code --settle-delay} after the ledger's last change: its calls may still
   * land. With {@code --rate auto}, {@code learnedRates} listens to it for the summary and progress.
   */
  private Provisioner engine(RunResources res, LedgerState ledgerState, LearnedRates learnedRates) {
    URI baseUrl = s.baseUrl();
    String apiKey = s.apiKey();
    if (s.sandbox()) {
      SandboxServer sandbox = res.sandbox(SandboxServer.start(SandboxConfig.builder().port(0).build()));
      baseUrl = sandbox.baseUrl();
      apiKey = sandbox.apiKey();
      redactor.add(apiKey);
      io.err().println("provisioner: --sandbox: simulated bctrl API at " + baseUrl + " (in this process)");
    }
    Provisioner.Builder builder = Provisioner.builder()
        .baseUrl(baseUrl)
        .apiKey(apiKey)
        .concurrency(s.concurrency())
        .rate(s.rate())
        .burst(s.burst())
        .maxAttempts(s.maxAttempts())
        .requestTimeout(s.requestTimeout())
        .settleDelay(s.settleDelay())
        .maxConsecutiveFailures(s.maxConsecutiveFailures())
        .noList(s.noList())
        .clock(clock);
    if (report.enabled()) {
      builder.listener(report.recorder()); // --report: calls, retries, learned rates, the stop
    }
    if (s.autoRate()) {
      builder.autoRate(s.maxRate()).listener(learnedRates);
    }
    LedgerLock lock = res.lock();
    Instant notBefore = ledgerState.lastModified().orElse(clock.instant()).plus(s.settleDelay());
    if (lock.previousRunCrashed()) {
      builder.firstListingNotBefore(notBefore);
      io.err().println("provisioner: the previous run on " + s.ledger().getFileName()
          + " did not end cleanly" + (lock.previousPid() > 0 ? " (pid " + lock.previousPid() + ")" : "")
          + "; its calls may still land, so no space is listed before " + notBefore
          + " (--settle-delay after the ledger's last change)");
    } else if (ledgerState.hasAborted() && notBefore.isAfter(clock.instant())) {
      // A stop by signal, --deadline or the API cuts calls off in flight: their runtimes may still
      // appear. A listing that starts sooner could miss them, and the item would be created twice.
      builder.firstListingNotBefore(notBefore);
      io.err().println("provisioner: the previous run on " + s.ledger().getFileName()
          + " stopped with calls in flight; no space is listed before " + notBefore
          + " (--settle-delay after its last record), so those calls are settled first");
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(redactor.redact(Main.oneLine(e.getMessage())));
    }
  }
}
