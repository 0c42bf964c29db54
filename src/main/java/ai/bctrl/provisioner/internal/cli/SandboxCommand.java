package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.Durations;
import ai.bctrl.provisioner.sandbox.FaultKind;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import java.time.Duration;
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
      "Serve a simulated bctrl API on 127.0.0.1 (POST and GET /v1/spaces/{id}/runtimes) until Ctrl-C.",
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
      description = "Creates accepted per second; beyond them 429 rate_limited with Retry-After. Default: no limit.")
  double rate;

  @Option(names = "--burst", paramLabel = "B", defaultValue = "1", description = "Burst for --rate. Default: ${DEFAULT-VALUE}.")
  int burst;

  @Option(names = "--faults", paramLabel = "SPEC",
      description = "Shares of creates that fail, e.g. 503=0.05,reset-after=0.02.")
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

  @Option(names = "--seed", paramLabel = "N", description = "Seed of every random choice. Default: random, printed.")
  Long seed;

  SandboxCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() throws InterruptedException {
    SandboxConfig config = config();
    CountDownLatch stop = new CountDownLatch(1);
    Signals signals = Signals.install((name, n) -> stop.countDown());
    try (SandboxServer server = SandboxServer.start(config)) {
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
      throw new UsageException("--faults: " + e.getMessage());
    }
    try {
      return SandboxConfig.builder()
          .port(port)
          .apiKey(apiKey)
          .latency(lat)
          .rate(rate, burst)
          .faults(faultMap)
          .faultRate(faultRate)
          .hold(hold)
          .maxActive(maxActive)
          .idempotency(idempotency)
          .seed(seed)
          .build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageException(e.getMessage());
    }
  }

  static SandboxConfig.Latency latency(String spec) {
    try {
      return SandboxConfig.parseLatency(spec);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

}
