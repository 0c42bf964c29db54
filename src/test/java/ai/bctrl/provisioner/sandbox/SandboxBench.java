package ai.bctrl.provisioner.sandbox;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Not a test: starts a sandbox with latency 0 for a load tool (wrk) and serves until killed.
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) ai.bctrl.provisioner.sandbox.SandboxBench [port]}
 */
public final class SandboxBench {
  private SandboxBench() {}

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    SandboxServer s =
        SandboxServer.start(
            SandboxConfig.builder().port(port).apiKey("bench-key").latency(Duration.ZERO, Duration.ZERO).build());
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
