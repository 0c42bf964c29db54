package ai.bctrl.provisioner.sandbox;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Not a test: starts a sandbox with latency 0 for a load tool (wrk) and serves until killed.
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) ai.bctrl.provisioner.sandbox.SandboxBench [port [key [latency [seed [faults]]]]]}
 */
public final class SandboxBench {
  private SandboxBench() {}

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    String key = args.length > 1 ? args[1] : "bench-key";
    SandboxConfig.Latency latency =
        args.length > 2 ? SandboxConfig.parseLatency(args[2]) : new SandboxConfig.Latency(Duration.ZERO, Duration.ZERO);
    SandboxConfig.Builder b = SandboxConfig.builder().port(port).apiKey(key).latency(latency);
    if (args.length > 3) {
      b.seed(Long.parseLong(args[3]));
    }
    if (args.length > 4) {
      b.faults(SandboxConfig.parseFaults(args[4]));
    }
    SandboxServer s = SandboxServer.start(b.build());
    System.out.println(s.banner());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      SandboxStats st = s.stats();
      System.out.println("creates " + st.createRequests() + " runtimes " + st.runtimes() + " byStatus " + st.requestsByStatus()
          + " maxInFlight " + st.maxInFlight());
      s.close();
    }));
    new CountDownLatch(1).await();
  }
}
