package ai.bctrl.provisioner.bench;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import ai.bctrl.provisioner.sandbox.SandboxStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;

/**
 * Throughput against the in-process sandbox: latency 100ms..100ms, concurrency 32, no rate limit,
 * 5,000 items. Achieved creates per second, from the first create request to the last answer, next
 * to the bound concurrency / latency (320/s), and the mean item latency the client saw with the
 * mean number of calls it kept in flight (Little's law), which tells the engine's share of any gap
 * from the server's and the machine's. Not a test: it asserts nothing; it prints a table.
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
 * java -cp target/test-classes:target/classes:$(cat target/test.classpath) \
 *     ai.bctrl.provisioner.bench.ThroughputBenchmark [items] [concurrency] [latencyMs]
 * </pre>
 */
public final class ThroughputBenchmark {
  private ThroughputBenchmark() {}

  public static void main(String[] args) {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int latencyMs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    System.out.println("warming up (1,000 items, not measured) ...");
    measure(1000, concurrency, latencyMs, "warm");
    Result r = measure(items, concurrency, latencyMs, "bench");
    double bound = concurrency * 1000.0 / latencyMs;
    System.out.println();
    System.out.printf("%-28s %12s%n", "metric", "value");
    System.out.printf("%-28s %12d%n", "items", items);
    System.out.printf("%-28s %12d%n", "concurrency", concurrency);
    System.out.printf("%-28s %12s%n", "latency (server)", latencyMs + "ms");
    System.out.printf("%-28s %12s%n", "outcomes", r.outcomes);
    System.out.printf("%-28s %12d%n", "sandbox max in flight", r.maxInFlight);
    System.out.printf("%-28s %12.3f%n", "first request->last answer s", r.seconds);
    System.out.printf("%-28s %12.1f%n", "achieved creates/s", items / r.seconds);
    System.out.printf("%-28s %12.1f%n", "bound concurrency/latency", bound);
    System.out.printf("%-28s %11.1f%%%n", "ratio", 100 * items / r.seconds / bound);
    System.out.printf("%-28s %12.1f%n", "mean item latency ms", r.meanLatencyMs);
    System.out.printf("%-28s %12.1f%n", "mean calls in flight", items / r.seconds * r.meanLatencyMs / 1000);
    System.out.printf("%-28s %12.1f%n", "load average (1 min)",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  record Result(double seconds, Map<Outcome, Long> outcomes, int maxInFlight, double meanLatencyMs) {}

  static Result measure(int n, int concurrency, int latencyMs, String prefix) {
    Duration latency = Duration.ofMillis(latencyMs);
    try (SandboxServer sandbox = SandboxServer.start(SandboxConfig.builder().port(0).latency(latency, latency)
            .seed(1L).build());
        Provisioner p = Provisioner.builder().baseUrl(sandbox.baseUrl()).apiKey(sandbox.apiKey())
            .concurrency(concurrency).rate(0).build()) {
      Flux<Item> items = Flux.range(0, n).map(i -> Item.of(prefix + "-" + i, "sp_bench",
          new CreateRuntimeRequest(null, prefix + "-" + i, null, null, null, null)));
      List<ItemResult> results = p.provision(items).collectList().block(Duration.ofMinutes(10));
      long end = System.nanoTime();
      SandboxStats st = sandbox.stats();
      long first = st.createStartNanos().stream().mapToLong(Long::longValue).min().orElse(end);
      Map<Outcome, Long> outcomes = results.stream()
          .collect(Collectors.groupingBy(ItemResult::outcome, Collectors.counting()));
      double mean = results.stream().mapToLong(ItemResult::latencyMs).average().orElse(0);
      return new Result((end - first) / 1e9, outcomes, st.maxInFlight(), mean);
    }
  }
}
