package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.ProvisioningStoppedException;
import ai.bctrl.provisioner.internal.ledger.LedgerException;
import ai.bctrl.provisioner.internal.ledger.LedgerLock;
import ai.bctrl.provisioner.internal.ledger.LedgerLockedException;
import ai.bctrl.provisioner.internal.ledger.LedgerReader;
import ai.bctrl.provisioner.internal.ledger.LedgerState;
import ai.bctrl.provisioner.internal.ledger.LedgerWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The one place a teardown is wired, as {@link RunPipeline} is for a run. {@link #pipeline} reads
 * top to bottom: what the ledger says to tear down ({@link TeardownTargets}) → the engine stops and
 * deletes ({@link Provisioner#teardown}) → each {@code stopped} and {@code deleted} recorded in the
 * same ledger → counted ({@link TeardownTally}), failures told. Around it, {@link #runToEnd} holds
 * the ledger lock and what is released with it ({@link RunResources}), signals and {@code
 * --deadline} ({@link RunStop}, {@link Watchdog}), progress, {@code --rate auto}'s learned rates
 * ({@link LearnedRates}) and the {@code --report} page ({@link ReportFile}, {@link TeardownReport}),
 * exactly as a run does, and ends with the summary and the exit code.
 */
final class TeardownPipeline {
  private final TeardownSettings s;
  private final Io io;
  private final Clock clock = Clock.systemUTC();
  private final Redactor redactor = new Redactor();
  private final ReportFile report;
  private final TeardownTally tally;
  private final Watchdog watchdog;
  private final RunStop stop;
  private final long startNanos = System.nanoTime();

  TeardownPipeline(TeardownSettings settings, Io io) {
    this.s = settings;
    this.io = io;
    this.report = ReportFile.start(settings.report(), clock.instant(), System::nanoTime,
        TeardownReport.done(settings.keepStopped()));
    this.tally = new TeardownTally(settings.keepStopped(), io.err(), report::item); // each runtime's end: --report
    this.watchdog = new Watchdog(io, this::haltCode, this::reportHalted);
    this.stop = new RunStop(io, settings.grace(), watchdog);
    redactor.add(settings.apiKey());
  }

  /** Runs to the end and returns the exit code; fatal problems throw (mapped by {@link Main}), redacted. */
  int run() {
    try {
      return runToEnd();
    } catch (RuntimeException e) {
      throw redactor.clean(e);
    }
  }

  /**
   * The teardown, top to bottom. Cold. Records are appended on the ledger's own thread; only {@code
   * stopped} and {@code deleted} are recorded: a runtime whose teardown failed or was cut off keeps
   * its last record, which still says it exists.
   */
  private Flux<ItemResult> pipeline(TeardownTargets targets, Provisioner engine, LedgerWriter ledger,
      Scheduler ledgerThread) {
    return targets.items()                               // last records: by id, then keys to look for
        .transform(items -> engine.teardown(items, s.keepStopped(), stop.requests()))   // stop, delete
        .map(redactor::redactResult)                     // no secret in an error
        .publishOn(ledgerThread, 256)                    // record, on the ledger writer's thread
        .doOnNext(r -> {
          if (r.outcome().isTeardown()) {
            ledger.append(r);
          }
        })
        .doOnNext(tally::result);                        // summary, progress, failures, exit code
  }

  private int runToEnd() {
    TeardownCommand.requireLedger(s.ledger());           // no lock file beside a ledger that is not there
    RunResources res = new RunResources(lock(), watchdog);
    Scheduler ledgerThread = Schedulers.newSingle("ledger-writer", true);
    boolean started = false;
    try {
      res.signals(Signals.install(stop::onSignal));
      LedgerState state = load();
      state.repairNotice().ifPresent(n -> io.err().println("provisioner: " + n));
      TeardownTargets targets = TeardownCommand.read(s.ledger(), s.keepStopped(), s.noList());
      tally.total(targets.total());
      if (targets.notLookedFor() > 0) {
        io.err().println("provisioner: --no-list: " + targets.notLookedFor() + " keys left unknown or aborted are"
            + " not looked for; if their runtimes exist, find them in their spaces by hand");
      }
      LearnedRates learnedRates = s.autoRate() ? new LearnedRates() : null;
      Provisioner engine = res.engine(engine(res, state, targets, learnedRates));
      LedgerWriter ledger = res.ledger(LedgerWriter.open(s.ledger(), ledgerThread));
      if (s.deadline() != null) {
        res.deadline(stop.deadline(s.deadline()));
      }
      if (!s.quiet()) {
        res.progress(RunProgress.start(io, () -> tally.snapshot(engine.stats().inFlight(),
            Summary.Retries.of(engine.stats().retries()).total())
            .withLearnedRate(learnedRates == null ? Double.NaN : learnedRates.current())));
      }

      started = true;
      drain(pipeline(targets, engine, ledger, ledgerThread));

      res.endCleanly();
      int code = ExitCodes.of(stop.kind(), false, tally.notDone());
      Summary.Retries retries = Summary.Retries.of(engine.stats().retries());
      if (learnedRates != null) {
        tally.learnedRates(learnedRates.snapshot());
      }
      Duration wall = Duration.ofNanos(System.nanoTime() - startNanos);
      RunReport.print(tally.render(retries, wall, stop.why(), code),
          () -> tally.json(s.ledger().toString(), retries, wall, stop.why(), code), io, s.summary());
      report.write(TeardownReport.page(s, tally, report.startedAt(), wall, code, stop.why(),
          "provisioner " + ReportFile.version()), redactor, io);
      return code;
    } catch (RuntimeException e) {
      if (started) {
        reportCutShort(Main.codeOf(e), ReportFile.whyFailed(e)); // what was recorded, and why it ends here
      }
      throw e;
    } finally {
      res.close();
      ledgerThread.dispose();
    }
  }

  /** The watchdog's last words: the {@code --report} page of a teardown that did not stop in time. */
  private void reportHalted() {
    reportCutShort(haltCode(), ReportFile.whyHalted(stop.why()));
  }

  /**
   * The {@code --report} page of a teardown cut short by an internal error or by the watchdog: what
   * was recorded until now, with the exit code the process ends with. Blocking file I/O, on {@code
   * main}'s thread or the watchdog's.
   */
  private void reportCutShort(int code, String why) {
    report.write(TeardownReport.page(s, tally, report.startedAt(), Duration.ofNanos(System.nanoTime() - startNanos),
        code, why, "provisioner " + ReportFile.version()), redactor, io);
  }

  /** The ledger's lock; held by a live run or teardown: exit 64. */
  private LedgerLock lock() {
    try {
      return LedgerLock.acquire(s.ledger());
    } catch (LedgerLockedException e) {
      throw new UsageException(e.getMessage().replace(" or use another --ledger", ""));
    }
  }

  /** Repairs a cut last line, under the lock; a ledger that cannot be read is exit 65. */
  private LedgerState load() {
    try {
      return LedgerReader.load(s.ledger(), true);
    } catch (LedgerException e) {
      throw new UnreadableLedgerException(e.getMessage().replace("pick another --ledger", "check the LEDGER argument"),
          e);
    }
  }

  private int haltCode() {
    return ExitCodes.of(stop.kind(), false, 1);
  }

  /** Runs the pipeline to its end; an engine stop ends it normally, a ledger failure is fatal. */
  private void drain(Flux<ItemResult> results) {
    try {
      results.blockLast();
    } catch (LedgerException e) {
      throw new RunFailedException(Main.oneLine(e.getMessage())
          + "; the teardown stopped, run it again once it is fixed", e);
    } catch (ProvisioningStoppedException e) {
      stop.engineStopped(redactor.redact(Main.oneLine(e.getMessage())));
    }
  }

  /**
   * The engine. When keys are to be looked for and the previous run on the ledger crashed, or
   * stopped with calls in flight, no space is listed before {@link TeardownSettings#SETTLE_DELAY}
   * after the ledger's last change: a create cut off then may still land.
   */
  private Provisioner engine(RunResources res, LedgerState state, TeardownTargets targets,
      LearnedRates learnedRates) {
    Provisioner.Builder builder = Provisioner.builder()
        .baseUrl(s.baseUrl())
        .apiKey(s.apiKey())
        .concurrency(s.concurrency())
        .rate(s.rate())
        .burst(s.burst())
        .maxAttempts(s.maxAttempts())
        .requestTimeout(s.requestTimeout())
        .maxConsecutiveFailures(s.maxConsecutiveFailures())
        .noList(s.noList())
        .clock(clock);
    if (report.enabled()) {
      builder.listener(report.recorder()); // --report: calls, retries, learned rates, the stop
    }
    if (s.autoRate()) {
      builder.autoRate(s.maxRate()).listener(learnedRates);
    }
    Instant notBefore = state.lastModified().orElse(clock.instant()).plus(TeardownSettings.SETTLE_DELAY);
    boolean inDoubt = res.lock().previousRunCrashed() || state.hasAborted();
    if (targets.toLookFor() > 0 && inDoubt && notBefore.isAfter(clock.instant())) {
      builder.firstListingNotBefore(notBefore);
      io.err().println("provisioner: the previous run on " + s.ledger().getFileName() + " did not end cleanly or"
          + " stopped with calls in flight; no space is listed before " + notBefore
          + " (15s after the ledger's last change), so those calls have landed");
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(redactor.redact(Main.oneLine(e.getMessage())));
    }
  }
}
