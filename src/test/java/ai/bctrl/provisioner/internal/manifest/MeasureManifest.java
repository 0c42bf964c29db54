package ai.bctrl.provisioner.internal.manifest;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Reads and checks a manifest the way {@code validate} does (entries folded into a {@link
 * ManifestPlan}) and prints the time and the peak heap (not a test):
 * {@code java -Xmx128m -cp target/classes:target/test-classes:$(cat cp.txt) ai.bctrl.provisioner.internal.manifest.MeasureManifest big.csv}.
 */
public final class MeasureManifest {
  private MeasureManifest() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    ManifestOptions o = ManifestOptions.builder().path(file)
        .env(Map.of("PROXY_PASSWORD", "measure-only")).build();
    long start = System.nanoTime();
    ManifestPlan plan = ManifestPlan.of(ManifestReader.read(o), Map.of(), file.toString()).block();
    long ms = (System.nanoTime() - start) / 1_000_000;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    String render = plan.render(file.getFileName().toString());
    System.out.print(render.length() > 2000 ? render.substring(0, 2000) + "...\n" : render);
    System.out.printf("%d valid items, %d invalid rows in %s (%.1f s); peak heap (sum of pool peaks) %.1f MB; max heap %.0f MB%n",
        plan.validItems(), plan.invalidRows(), Duration.ofMillis(ms), ms / 1000.0, peak / 1048576.0,
        Runtime.getRuntime().maxMemory() / 1048576.0);
  }
}
