package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.ledger.LedgerException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code teardown}: stop and delete the runtimes a ledger records. */
@Command(
    name = "teardown",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Stop, then delete, every runtime LEDGER records (its keys last created, adopted, unhealthy or stopped), and the "
          + "runtimes found by listing the spaces of keys last unknown or aborted. Each step is appended to LEDGER "
          + "(stopped, deleted) as it ends; running it again picks up what is left.",
      "Without --yes it only prints the plan (by space and status) and exits 64; --dry-run prints it and exits 0.",
      "The API key comes from BCTRL_API_KEY or --api-key-file; no flag takes the key itself."
    },
    footer = {"", "Durations: 250ms, 30s, 5m, 1h or ISO-8601 (PT30S).",
        "Exit codes: 0 every runtime torn down; 2 some not (listed, ledger unchanged for them); 3 stopped early "
            + "(key rejected, too many failures, --deadline); 64 usage (bad flags, no key, no --yes, ledger locked); "
            + "65 ledger unreadable; 130/143 SIGINT/SIGTERM; 1 internal error."})
final class TeardownCommand implements Callable<Integer> {
  private final Io io;

  @Parameters(index = "0", paramLabel = "LEDGER",
      description = "The ledger a run wrote (.csv or .jsonl); the teardown appends its records to it.")
  Path ledger;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "API root. Env: BCTRL_BASE_URL. Default: " + RunCommand.DEFAULT_BASE_URL + ".")
  String baseUrl;

  @Option(names = "--api-key-file", paramLabel = "PATH",
      description = "Read the API key from this file; otherwise from env BCTRL_API_KEY.")
  Path apiKeyFile;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
      description = "Most stop and delete calls in flight at once. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "10", converter = Converters.RateConverter.class,
      description = "Most calls started per second, every attempt counted; 0 = no limit; auto = learned per space "
          + "from the API's answers. Default: ${DEFAULT-VALUE}.")
  Converters.RateArg rate;

  @Option(names = "--max-rate", paramLabel = "R",
      description = "With --rate auto: the ceiling a space's learned rate never goes above. Default: none.")
  Double maxRate;

  @Option(names = "--burst", paramLabel = "B", defaultValue = "1",
      description = "Token-bucket burst for --rate. Default: ${DEFAULT-VALUE}.")
  int burst;

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "5",
      description = "Stop calls, and delete calls, per runtime, the first included; 429s do not count. "
          + "Default: ${DEFAULT-VALUE}.")
  int maxAttempts;

  @Option(names = "--request-timeout", paramLabel = "D", defaultValue = "60s",
      converter = Converters.DurationConverter.class,
      description = "Bound on one whole call. Default: ${DEFAULT-VALUE}.")
  Duration requestTimeout;

  @Option(names = "--max-consecutive-failures", paramLabel = "N", defaultValue = "50",
      description = "Stop (exit 3) after this many failed calls in a row. Default: ${DEFAULT-VALUE}.")
  int maxConsecutiveFailures;

  @Option(names = "--deadline", paramLabel = "D", converter = Converters.DurationConverter.class,
      description = "Bound on the whole teardown; then stop like on SIGTERM and exit 3.")
  Duration deadline;

  @Option(names = "--grace", paramLabel = "D", defaultValue = "10s", converter = Converters.DurationConverter.class,
      description = "On SIGINT/SIGTERM or the deadline, how long in-flight calls may finish. Default: ${DEFAULT-VALUE}.")
  Duration grace;

  @Option(names = "--summary", paramLabel = "PATH", description = "Also write the summary as JSON.")
  Path summary;

  @Option(names = "--report", paramLabel = "PATH",
      description = "Also write the teardown's report: one self-contained HTML page (calls, retries, rate and latency"
          + " per second; outcomes by space; errors by code), written when it ends or stops.")
  Path report;

  @Option(names = "--no-list",
      description = "For an API that cannot list runtimes: do not look for the runtimes of keys left unknown or aborted.")
  boolean noList;

  @Option(names = "--keep-stopped", description = "Stop only; keep the stopped runtimes (and their browser state).")
  boolean keepStopped;

  @Option(names = "--dry-run", description = "Print what would be stopped and deleted, by space and status; no network.")
  boolean dryRun;

  @Option(names = "--yes", description = "Required to stop or delete anything; without it the plan is printed, exit 64.")
  boolean yes;

  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;

  TeardownCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    FlowFlags.check(concurrency, burst, maxAttempts, maxConsecutiveFailures, rate, maxRate, requestTimeout, deadline);
    URI base = ApiAccess.baseUrl(baseUrl, io);
    Path path = io.workDir().resolve(ledger);
    if (dryRun || !yes) {
      TeardownTargets targets = read(path, keepStopped, noList);
      io.out().print(targets.plan(ledger.toString(), keepStopped));
      io.out().flush();
      if (dryRun || targets.total() == 0) {
        return ExitCodes.OK;
      }
      throw new UsageException("teardown stops " + (keepStopped ? "" : "and deletes ") + "what the plan above says only"
          + " with --yes; nothing was done (add --yes to go ahead, or --dry-run to print the plan alone)");
    }
    String key = ApiAccess.apiKey(apiKeyFile, io, "");
    TeardownSettings s = new TeardownSettings(path, base, key, concurrency, rate.perSecond(), burst, rate.auto(),
        maxRate == null ? 0 : maxRate, maxAttempts, requestTimeout, maxConsecutiveFailures, deadline, grace,
        summary == null ? null : io.workDir().resolve(summary), reportPath(), keepStopped, noList, quiet);
    return new TeardownPipeline(s, io).run();
  }

  /**
   * The ledger's targets; a ledger that is missing or cannot be read is exit 65.
   *
   * @throws UnreadableLedgerException when it cannot be read
   */
  static TeardownTargets read(Path ledger, boolean keepStopped, boolean noList) {
    requireLedger(ledger);
    try {
      return TeardownTargets.read(ledger, keepStopped, noList);
    } catch (LedgerException e) {
      throw new UnreadableLedgerException(e.getMessage().replace("pick another --ledger", "check the LEDGER argument"),
          e);
    }
  }

  /** A ledger that is not there: exit 65 before anything (a lock file beside it, say) is made. */
  static void requireLedger(Path ledger) {
    if (!Files.exists(ledger)) {
      throw new UnreadableLedgerException("ledger " + ledger + ": no such file; give the ledger a run wrote", null);
    }
  }

  private Path reportPath() {
    Path p = report == null ? null : io.workDir().resolve(report);
    ReportFile.check(p);
    return p;
  }
}
