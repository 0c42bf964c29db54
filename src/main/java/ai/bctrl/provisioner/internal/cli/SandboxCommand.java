package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.Durations;
import ai.bctrl.provisioner.sandbox.FaultKind;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sandbox}: serve a simulated bctrl API on 127.0.0.1 until SIGINT/SIGTERM. */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
      "Serve a simulated bctrl API on 127.0.0.1 (create, list, stop and delete runtimes) until Ctrl-C.",
      "It validates bodies strictly, rejects a wrong key with 401, and injects the faults you ask for."
    },
    footer = {"", "Fault kinds: 503, 500, 502, 429, reset-before, reset-after, hold, truncate, failed."})
final class SandboxCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8787",
      description = "Port on 127.0.0.1; 0 = any free port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--api-key", paramLabel = "KEY", description = "The key it accepts. Default: a random key, printed at start.")
  String apiKey;

  @Option(names = "--latency", paramLabel = "MIN..MAX", defaultValue = "50ms..300ms",
      description = "Create latency, uniform (e.g. 200ms..2s). Default: ${DEFAULT-VALUE}.")
  String latency;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
      description = "Creates, stops and deletes accepted per second; beyond them 429 rate_limited with Retry-After. "
          + "Default: no limit.")
  double rate;

  @Option(names = "--burst", paramLabel = "B", defaultValue = "1", description = "Burst for --rate. Default: ${DEFAULT-VALUE}.")
  int burst;

  @Option(names = "--rate-schedule", paramLabel = "SPEC",
      description = "The --rate limit changing over time, e.g. 60@0s,20@30s,60@60s (60/s from the start, 20/s from "
          + "30 s, 60/s from 60 s); times count from the sandbox's start, --rate applies before the first, 0 = no limit.")
  String rateSchedule;

  @Option(names = "--faults", paramLabel = "SPEC",
      description = "Shares of calls (creates, stops, deletes) that fail, e.g. 503=0.05,reset-after=0.02.")
  String faults;

  @Option(names = "--fault-rate", paramLabel = "F", defaultValue = "0",
      description = "Shorthand: F spread evenly over every fault kind. Default: ${DEFAULT-VALUE}.")
  double faultRate;

  @Option(names = "--hold", paramLabel = "D", defaultValue = "30s", converter = Converters.DurationConverter.class,
      description = "How long a hold fault keeps the request before it creates the runtime anyway. Default: ${DEFAULT-VALUE}.")
  Duration hold;

  @Option(names = "--max-active", paramLabel = "N",
      description = "402 browser.concurrent_quota_exceeded beyond N active runtimes.")
  Integer maxActive;

  @Option(names = "--idempotency", description = "Replay the first answer for a repeated Idempotency-Key.")
  boolean idempotency;

  @Option(names = "--no-list", description = "The list route answers 405 (Allow: POST), as an API that cannot list runtimes.")
  boolean noList;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of every random choice. Default: random, printed.")
  Long seed;

  SandboxCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() throws InterruptedException {
    SandboxConfig config = config();
    SandboxServer server;
    try {
      server = SandboxServer.start(config);
    } catch (IllegalStateException e) { // the port cannot be bound: one line that says so, and what to do
      throw new UsageException(e.getMessage());
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signals signals = Signals.install((name, n) -> stop.countDown());
    try (server) {
      io.out().println(server.banner());
      io.out().flush();
      stop.await();
      io.err().println("sandbox: stopping");
    } finally {
      signals.close();
    }
    return ExitCodes.OK;
  }

  SandboxConfig config() {
    SandboxConfig.Latency lat = latency(latency);
    Map<FaultKind, Double> faultMap;
    try {
      faultMap = faults == null ? Map.of() : SandboxConfig.parseFaults(faults);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    List<SandboxConfig.RateStep> schedule;
    try {
      schedule = rateSchedule == null ? List.of() : SandboxConfig.parseRateSchedule(rateSchedule);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    try {
      return SandboxConfig.builder()
          .port(port)
          .apiKey(apiKey)
          .latency(lat)
          .rate(rate, burst)
          .rateSchedule(schedule)
          .faults(faultMap)
          .faultRate(faultRate)
          .hold(hold)
          .maxActive(maxActive)
          .idempotency(idempotency)
          .noList(noList)
          .seed(seed)
          .build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageException(flagged(e.getMessage()));
    }
  }

  /** The config's names for its settings, and the flags that set them; longer names first. */
  private static final String[][] FLAGS = {
    {"rate schedule", "--rate-schedule"}, {"fault rate", "--fault-rate"}, {"max active", "--max-active"},
    {"api key", "--api-key"}, {"latency", "--latency"}, {"port", "--port"}, {"rate", "--rate"},
    {"burst", "--burst"}, {"hold", "--hold"},
  };

  /** {@code "burst must be >= 1 but was 0"} as {@code "--burst must be >= 1 but was 0"}: the flag a user wrote. */
  static String flagged(String message) {
    for (String[] f : FLAGS) {
      if (message.startsWith(f[0] + " ")) {
        return f[1] + message.substring(f[0].length());
      }
    }
    return message;
  }

  static SandboxConfig.Latency latency(String spec) {
    try {
      return SandboxConfig.parseLatency(spec);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

}
