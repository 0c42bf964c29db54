package ai.bctrl.provisioner.internal.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a run needs, resolved from flags and environment. {@code apiKey} and {@code baseUrl}
 * are null with {@code sandbox}. {@link #toString()} leaves the key out.
 */
record RunSettings(
    ManifestArgs manifest,
    Path manifestPath,
    String space,
    Path ledger,
    URI baseUrl,
    String apiKey,
    int concurrency,
    double rate,
    int burst,
    boolean autoRate,
    double maxRate,
    int maxAttempts,
    Duration requestTimeout,
    Duration settleDelay,
    int maxConsecutiveFailures,
    boolean replaceUnhealthy,
    Duration deadline,
    Duration grace,
    Path summary,
    Path report,
    boolean sandbox,
    boolean quiet,
    boolean noList) {

  @Override
  public String toString() {
    return "RunSettings[manifest=" + manifestPath + ", ledger=" + ledger + ", baseUrl=" + baseUrl + ", apiKey=***]";
  }
}
