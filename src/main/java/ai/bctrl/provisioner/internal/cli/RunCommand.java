package ai.bctrl.provisioner.internal.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: provision every item of a manifest. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Provision every item of MANIFEST, recording each outcome in the ledger as it ends.",
      "Rerunning with the same ledger resumes: done items are skipped, the rest are settled and tried again.",
      "The API key comes from BCTRL_API_KEY or --api-key-file; no flag takes the key itself."
    },
    footer = {"", "Durations: 250ms, 30s, 5m, 1h or ISO-8601 (PT30S).",
        "Exit codes: 0 every item created or adopted; 2 some failed/invalid/unhealthy/unknown; 3 stopped early "
            + "(key rejected, quota, too many failures, --deadline); 64 usage (bad flags, no key, ledger locked); "
            + "65 manifest unreadable or --max-items exceeded; 130/143 SIGINT/SIGTERM; 1 internal error."})
final class RunCommand implements Callable<Integer> {
  static final String DEFAULT_BASE_URL = "https://api.bctrl.ai";

  private final Io io;

  @Mixin ManifestArgs manifest;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "API root. Env: BCTRL_BASE_URL. Default: " + DEFAULT_BASE_URL + ".")
  String baseUrl;

  @Option(names = "--api-key-file", paramLabel = "PATH",
      description = "Read the API key from this file; otherwise from env BCTRL_API_KEY.")
  Path apiKeyFile;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
      description = "Most create calls in flight at once. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "10", converter = Converters.RateConverter.class,
      description = "Most create calls started per second, every attempt counted; 0 = no limit; auto = learned "
          + "from the API's answers, per space (starts modestly, climbs while calls succeed, cuts at a 429). "
          + "Default: ${DEFAULT-VALUE}.")
  Converters.RateArg rate;

  @Option(names = "--max-rate", paramLabel = "R",
      description = "With --rate auto: the ceiling a space's learned rate never goes above. Default: none.")
  Double maxRate;

  @Option(names = "--burst", paramLabel = "B", defaultValue = "1",
      description = "Token-bucket burst for --rate. Default: ${DEFAULT-VALUE}.")
  int burst;

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "5",
      description = "Attempts per item, the first included; attempts answered 429 do not count. Default: ${DEFAULT-VALUE}.")
  int maxAttempts;

  @Option(names = "--request-timeout", paramLabel = "D", defaultValue = "60s",
      converter = Converters.DurationConverter.class,
      description = "Bound on one whole create call. Default: ${DEFAULT-VALUE}.")
  Duration requestTimeout;

  @Option(names = "--settle-delay", paramLabel = "D", defaultValue = "15s",
      converter = Converters.DurationConverter.class,
      description = "After an uncertain failure, how long to wait before checking the server for the item. "
          + "Default: ${DEFAULT-VALUE}.")
  Duration settleDelay;

  @Option(names = "--max-consecutive-failures", paramLabel = "N", defaultValue = "50",
      description = "Stop the run (exit 3) after this many failed attempts in a row. Default: ${DEFAULT-VALUE}.")
  int maxConsecutiveFailures;

  @Option(names = "--replace-unhealthy",
      description = "On resume, create a replacement (key <item key>#r<n>) for items whose last outcome is unhealthy.")
  boolean replaceUnhealthy;

  @Option(names = "--deadline", paramLabel = "D", converter = Converters.DurationConverter.class,
      description = "Bound on the whole run; then stop like on SIGTERM and exit 3.")
  Duration deadline;

  @Option(names = "--grace", paramLabel = "D", defaultValue = "10s", converter = Converters.DurationConverter.class,
      description = "On SIGINT/SIGTERM or the deadline, how long in-flight calls may finish. Default: ${DEFAULT-VALUE}.")
  Duration grace;

  @Option(names = "--summary", paramLabel = "PATH", description = "Also write the run summary as JSON.")
  Path summary;

  @Option(names = "--report", paramLabel = "PATH",
      description = "Also write the run report: one self-contained HTML page (charts of calls, retries, "
          + "rate and latency per second; outcomes by space; errors by code), written when the run ends or stops.")
  Path report;

  @Option(names = "--sandbox",
      description = "Start the simulated API in-process, point the run at it and use its key.")
  boolean sandbox;

  @Option(names = "--no-list",
      description = "For an API that cannot list runtimes: list nothing (nothing already there is adopted) and settle "
          + "nothing; a create whose answer is lost ends unknown and is never repeated, in this run or on resume.")
  boolean noList;

  @Option(names = "--dry-run", description = "The same as the validate command: check and plan, no network.")
  boolean dryRun;

  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;

  RunCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    manifest.check();
    if (dryRun) {
      return ValidateCommand.plan(manifest, sandbox, noList, io);
    }
    RunSettings settings = settings();
    return new RunPipeline(settings, io).run();
  }

  RunSettings settings() {
    FlowFlags.check(concurrency, burst, maxAttempts, maxConsecutiveFailures, rate, maxRate, requestTimeout, deadline);
    URI base = null;
    String key = null;
    if (!sandbox) {
      base = ApiAccess.baseUrl(baseUrl, io);
      key = ApiAccess.apiKey(apiKeyFile, io, " (or try --sandbox to run against the simulated API)");
    }
    String space = manifest.space != null ? manifest.space : blankToNull(io.env().get("BCTRL_SPACE_ID"));
    Path ledger = io.workDir().resolve(manifest.ledgerPath(io.workDir(), sandbox));
    return new RunSettings(manifest, manifestPath(), space, ledger, base, key, concurrency, rate.perSecond(), burst,
        rate.auto(), maxRate == null ? 0 : maxRate, maxAttempts,
        requestTimeout, settleDelay, maxConsecutiveFailures, replaceUnhealthy, deadline, grace,
        summary == null ? null : io.workDir().resolve(summary), reportPath(), sandbox, quiet, noList);
  }

  private Path reportPath() {
    Path p = report == null ? null : io.workDir().resolve(report);
    ReportFile.check(p);
    return p;
  }

  Path manifestPath() {
    return manifest.stdin() ? null : io.workDir().resolve(manifest.manifest);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
