package ai.bctrl.provisioner.cli;

import ai.bctrl.provisioner.internal.Durations;
import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.ProvisioningStoppedException;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.ledger.LedgerException;
import ai.bctrl.provisioner.ledger.LedgerLock;
import ai.bctrl.provisioner.ledger.LedgerReader;
import ai.bctrl.provisioner.ledger.LedgerState;
import ai.bctrl.provisioner.ledger.LedgerWriter;
import ai.bctrl.provisioner.ledger.ResumeDecision;
import ai.bctrl.provisioner.manifest.ManifestEntry;
import ai.bctrl.provisioner.manifest.ManifestException;
import ai.bctrl.provisioner.manifest.ManifestOptions;
import ai.bctrl.provisioner.manifest.ManifestPlan;
import ai.bctrl.provisioner.manifest.ManifestReader;
import ai.bctrl.provisioner.model.CustomProxy;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The one place a run is wired top to bottom: lock the ledger and read it (repairing a cut last
 * line) → read and check the manifest → key (the manifest's item keys) → skip what the ledger has
 * done → keep this shard → the engine limits, creates and settles ({@link Provisioner#provision})
 * → record each result in the ledger → summary and exit code. Signals and {@code --deadline} ask
 * the engine to stop; whatever happens, the ledger is flushed and the summary printed.
 */
final class RunPipeline {
  /** The space used with {@code --sandbox} when neither the manifest nor {@code --space} names one. */
  static final String SANDBOX_SPACE = "0b5e55ed-5a4d-4b0c-9000-000000000001";

  /** How long past its grace a stopping run may take before the watchdog ends the process. */
  static final Duration STUCK_SLACK = Duration.ofSeconds(15);

  private final RunSettings s;
  private final Io io;
  private final Clock clock = Clock.systemUTC();
  private final Redactor redactor = new Redactor();
  private final Summary summary = new Summary();

  private final Sinks.Many<Duration> stopSink = Sinks.many().replay().all();
  private final AtomicReference<ExitCodes.Stop> stop = new AtomicReference<>(ExitCodes.Stop.NONE);
  private final AtomicReference<String> stopWhy = new AtomicReference<>();
  private final AtomicBoolean manifestBroken = new AtomicBoolean();
  private final AtomicLong toProvision = new AtomicLong();
  private final AtomicBoolean totalKnown = new AtomicBoolean();
  private final AtomicLong precounted = new AtomicLong(-1);
  private final AtomicLong ended = new AtomicLong();
  private final AtomicLong notDone = new AtomicLong();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicBoolean watchdog = new AtomicBoolean();
  private volatile LedgerWriter ledgerWriter;

  RunPipeline(RunSettings settings, Io io) {
    this.s = settings;
    this.io = io;
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
      String m = e.getMessage();
      if (m != null && !m.equals(redactor.redact(m))) {
        // never let a secret reach the error line or a debug stack trace
        RuntimeException clean = e instanceof UsageException ? new UsageException(redactor.redact(m))
            : new RunFailedException(redactor.redact(Main.oneLine(m)), null);
        throw clean;
      }
      throw e;
    }
  }

  private int runToEnd() {
    long startNanos = System.nanoTime();
    String space = s.space() != null ? s.space() : s.sandbox() ? SANDBOX_SPACE : null;
    ManifestOptions options = manifestOptions(s.manifest(), s.manifestPath(), space, io);
    LedgerLock lock = LedgerLock.acquire(s.ledger());
    boolean releaseLock = false;
    SandboxServer sandbox = null;
    Provisioner provisioner = null;
    LedgerWriter writer = null;
    Progress progress = null;
    Signals signals = null;
    Disposable deadline = null;
    Disposable precount = null;
    try {
      // from here on a signal is a clean stop: the engine sees it (replayed) as soon as it starts
      signals = Signals.install(this::onSignal);
      LedgerState ledger = LedgerReader.load(s.ledger(), true);
      ledger.repairNotice().ifPresent(n -> io.err().println("provisioner: " + n));
      URI baseUrl = s.baseUrl();
      String apiKey = s.apiKey();
      if (s.sandbox()) {
        sandbox = SandboxServer.start(SandboxConfig.builder().port(0).build());
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
          .clock(clock);
      if (lock.previousRunCrashed()) {
        Instant notBefore = ledger.lastModified().orElse(clock.instant()).plus(s.settleDelay());
        builder.firstListingNotBefore(notBefore);
        io.err().println("provisioner: the previous run on " + s.ledger().getFileName()
            + " did not end cleanly" + (lock.previousPid() > 0 ? " (pid " + lock.previousPid() + ")" : "")
            + "; its calls may still land, so no space is listed before " + notBefore
            + " (--settle-delay after the ledger's last change)");
      }
      try {
        provisioner = builder.build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(redactor.redact(Main.oneLine(e.getMessage())));
      }
      writer = LedgerWriter.open(s.ledger());
      ledgerWriter = writer;

      Provisioner engine = provisioner;
      if (s.deadline() != null) {
        deadline = Mono.delay(s.deadline(), Schedulers.parallel())
            .subscribe(x -> requestStop(ExitCodes.Stop.STOPPED,
                "the --deadline of " + Durations.format(s.deadline()) + " passed", s.grace()));
      }
      if (!s.quiet()) {
        if (s.manifestPath() != null) {
          precount = precount(ledger, options);
        }
        progress = new Progress(io.err(), io.terminal(), () -> new Progress.Snapshot(
            ended.get(), totalKnown.get() ? toProvision.get() : precounted.get(), inFlight(engine),
            retries(engine).total()),
            Schedulers.parallel());
        progress.start();
      }

      Flux<Item> items = items(ledger, options, writer);
      LedgerWriter w = writer;
      Flux<ItemResult> results = w.record(engine.provision(items, stopSink.asFlux()).map(this::redact))
          .doOnNext(this::count);
      try {
        results.blockLast();
      } catch (LedgerException e) {
        throw new RunFailedException(Main.oneLine(e.getMessage())
            + "; the run stopped, rerun to resume once it is fixed", e);
      } catch (ProvisioningStoppedException e) {
        String why = redactor.redact(Main.oneLine(e.getMessage()));
        stop.compareAndSet(ExitCodes.Stop.NONE, ExitCodes.Stop.STOPPED);
        stopWhy.compareAndSet(null, why);
        io.err().println("provisioner: stopped: " + why);
      }
      releaseLock = true;
      finished.set(true);
      if (progress != null) {
        progress.stop();
      }
      writer.close();
      summary.retries(retries(engine));
      summary.files(s.manifestPath() == null ? "-" : s.manifestPath().toString(), s.ledger().toString());
      int code = ExitCodes.of(stop.get(), manifestBroken.get(), notDone.get());
      summary.finish(Duration.ofNanos(System.nanoTime() - startNanos), stopWhy.get(), code);
      io.err().print(summary.render());
      writeSummary();
      io.err().flush();
      return code;
    } finally {
      finished.set(true);
      if (deadline != null) {
        deadline.dispose();
      }
      if (precount != null) {
        precount.dispose();
      }
      if (progress != null) {
        progress.stop();
      }
      if (signals != null) {
        signals.close();
      }
      if (writer != null) {
        writer.close();
      }
      if (provisioner != null) {
        provisioner.close();
      }
      if (sandbox != null) {
        sandbox.close();
      }
      if (releaseLock || writer == null) {
        // a clean end, a stop, or nothing sent yet: nothing is in doubt. After an internal error
        // mid-run the lock stays, so the next run knows calls may have been in flight.
        lock.release();
      }
    }
  }

  /** The manifest's items that this run provisions, in order; invalid rows are recorded as they come. */
  private Flux<Item> items(LedgerState ledger, ManifestOptions options, LedgerWriter writer) {
    Shard shard = s.manifest().shard;
    return ManifestReader.read(options)
        .<Item>handle((entry, sink) -> {
          if (entry instanceof ManifestEntry.Invalid invalid) {
            if (shard == null || shard.contains(invalid.key())) {
              ItemResult r = redact(invalid.toResult(clock.instant()));
              writer.append(r);
              io.err().println("provisioner: " + redactor.redact(invalid.describe(s.manifest().fileName())));
              summary.add(r);
              notDone.incrementAndGet();
            }
            return;
          }
          Item item = ((ManifestEntry.Valid) entry).item();
          if (shard != null && !shard.contains(item.key())) {
            return;
          }
          ResumeDecision d = ledger.decide(item.key(), s.replaceUnhealthy());
          switch (d.action()) {
            case SKIP_DONE:
              summary.skippedDone();
              return;
            case KEEP_UNHEALTHY:
              summary.keptUnhealthy();
              notDone.incrementAndGet();
              return;
            default:
              break;
          }
          if (!d.key().equals(item.key())) {
            item = Item.of(d.key(), item.spaceId(), item.request(), item.line());
          }
          rememberSecrets(item);
          toProvision.incrementAndGet();
          sink.next(item);
        })
        .onErrorResume(ManifestException.class, e -> {
          manifestBroken.set(true);
          io.err().println("provisioner: " + redactor.redact(Main.oneLine(e.getMessage())));
          return Mono.empty();
        })
        .doOnComplete(() -> totalKnown.set(true));
  }

  /**
   * For progress only: counts, in a second pass over the manifest file, the items this run will
   * provision, so the bar has a total (and an ETA) before the main pass has read everything.
   * Errors are ignored: the main pass reports them.
   */
  private Disposable precount(LedgerState ledger, ManifestOptions options) {
    Shard shard = s.manifest().shard;
    return ManifestReader.read(options)
        .filter(e -> e instanceof ManifestEntry.Valid)
        .map(e -> ((ManifestEntry.Valid) e).item().key())
        .filter(key -> (shard == null || shard.contains(key))
            && ledger.decide(key, s.replaceUnhealthy()).action() == ResumeDecision.Action.PROVISION)
        .count()
        .subscribe(precounted::set, e -> { });
  }

  private void rememberSecrets(Item item) {
    if (item.request().config() != null && item.request().config().proxy() != null) {
      item.request().config().proxy().ifPresent(p -> {
        if (p instanceof CustomProxy c) {
          redactor.add(c.password());
        }
      });
    }
  }

  private ItemResult redact(ItemResult r) {
    String error = redactor.redact(r.error());
    String name = redactor.redact(r.name());
    if (java.util.Objects.equals(error, r.error()) && java.util.Objects.equals(name, r.name())) {
      return r;
    }
    return new ItemResult(r.key(), r.line(), r.spaceId(), name, r.outcome(), r.runtimeId(), r.status(),
        r.httpStatus(), r.errorCode(), error, r.attempts(), r.latencyMs(), r.finishedAt());
  }

  private void count(ItemResult r) {
    summary.add(r);
    ended.incrementAndGet();
    if (!r.outcome().isDone()) {
      notDone.incrementAndGet();
    }
  }

  private void onSignal(String name, int count) {
    ExitCodes.Stop kind = "INT".equals(name) ? ExitCodes.Stop.SIGINT : ExitCodes.Stop.SIGTERM;
    if (count == 1) {
      io.err().println();
      io.err().println("provisioner: SIG" + name + " received: starting no more calls; in-flight calls get up to "
          + Durations.format(s.grace()) + (io.terminal() ? " (Ctrl-C again to stop at once)" : ""));
      requestStop(kind, "interrupted by SIG" + name, s.grace());
    } else {
      io.err().println("provisioner: SIG" + name + " again: stopping in-flight calls now");
      requestStop(kind, "interrupted by SIG" + name, Duration.ZERO);
    }
  }

  private synchronized void requestStop(ExitCodes.Stop kind, String why, Duration grace) {
    ExitCodes.Stop before = stop.get();
    if (before == ExitCodes.Stop.NONE || (before == ExitCodes.Stop.STOPPED && kind != ExitCodes.Stop.STOPPED)) {
      stop.set(kind);
      stopWhy.set(why);
    }
    if (kind == ExitCodes.Stop.STOPPED && before == ExitCodes.Stop.NONE) {
      io.err().println("provisioner: " + why + ": starting no more calls; in-flight calls get up to "
          + Durations.format(grace));
    }
    stopSink.emitNext(grace, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    if (watchdog.compareAndSet(false, true)) {
      startWatchdog(grace);
    }
  }

  /**
   * A run asked to stop must end: if it has not within the grace plus {@link #STUCK_SLACK}, the
   * ledger is forced to disk and the process halts with the stop's exit code, leaving the lock file
   * so the next run settles what may have been in flight.
   */
  private void startWatchdog(Duration grace) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(grace.plus(STUCK_SLACK).toMillis());
      } catch (InterruptedException e) {
        return;
      }
      if (finished.get()) {
        return;
      }
      io.err().println("provisioner: the run did not stop within the grace; exiting now"
          + " (the next run settles the calls that were in flight)");
      io.err().flush();
      LedgerWriter w = ledgerWriter;
      if (w != null) {
        try {
          w.force();
        } catch (IOException | RuntimeException e) {
          // nothing more can be done
        }
      }
      if (io.mayHalt()) {
        Runtime.getRuntime().halt(ExitCodes.of(stop.get(), manifestBroken.get(), 1));
      }
    }, "stop-watchdog");
    t.setDaemon(true);
    t.start();
  }

  private static long inFlight(Provisioner engine) {
    return engine.stats().inFlight();
  }

  private static Summary.Retries retries(Provisioner engine) {
    Map<RetryCause, Long> r = engine.stats().retries();
    return new Summary.Retries(r.getOrDefault(RetryCause.RATE_LIMITED, 0L), r.getOrDefault(RetryCause.SERVER_5XX, 0L),
        r.getOrDefault(RetryCause.TIMEOUT, 0L), r.getOrDefault(RetryCause.RESET, 0L),
        r.getOrDefault(RetryCause.OTHER, 0L));
  }

  private void writeSummary() {
    if (s.summary() == null) {
      return;
    }
    try {
      Path p = s.summary();
      if (!Files.exists(p) && p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(p, summary.json(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (IOException e) {
      io.err().println("provisioner: cannot write --summary " + s.summary() + " (" + e.getClass().getSimpleName()
          + "); the summary above is complete");
    }
  }

  static ManifestOptions manifestOptions(ManifestArgs m, Path manifestPath, String space, Io io) {
    ManifestOptions.Builder b = ManifestOptions.builder();
    if (manifestPath == null) {
      b.stdin(io.in(), m.format);
    } else {
      b.path(manifestPath);
    }
    if (m.defaults != null) {
      b.defaults(io.workDir().resolve(m.defaults));
    }
    if (m.batch != null) {
      b.batch(m.batch);
    }
    if (space != null) {
      b.defaultSpace(space);
    }
    if (m.maxItems != null) {
      b.maxItems(m.maxItems);
    }
    b.env(io.env());
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      String msg = e.getMessage();
      throw new UsageException(msg.startsWith("batch") || msg.startsWith("space") ? "--" + msg : msg);
    }
  }

  /** {@code validate} and {@code run --dry-run}: prints the plan; 0 when every row is valid, else 65. */
  static int validate(ManifestArgs m, boolean sandbox, Io io) {
    Path manifestPath = m.stdin() ? null : io.workDir().resolve(m.manifest);
    String space = m.space != null ? m.space : io.env().get("BCTRL_SPACE_ID");
    if (sandbox && space == null) {
      space = SANDBOX_SPACE;
    }
    Path ledgerPath = io.workDir().resolve(m.ledgerPath(io.workDir(), sandbox));
    LedgerState ledger = LedgerReader.load(ledgerPath, false);
    ledger.repairNotice().ifPresent(n -> io.err().println("provisioner: " + n));
    Map<String, Outcome> outcomes = ledger.itemOutcomes();
    Shard shard = m.shard;
    Flux<ManifestEntry> entries = ManifestReader.read(manifestOptions(m, manifestPath, space, io));
    if (shard != null) {
      entries = entries.filter(e -> shard.contains(e instanceof ManifestEntry.Valid v ? v.item().key()
          : ((ManifestEntry.Invalid) e).key()));
    }
    ManifestPlan plan = ManifestPlan.of(entries, outcomes).block();
    io.out().print(plan.render(m.fileName()));
    io.out().flush();
    return plan.invalidRows() > 0 ? ExitCodes.MANIFEST : ExitCodes.OK;
  }
}
