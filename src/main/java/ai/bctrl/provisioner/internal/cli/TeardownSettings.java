package ai.bctrl.provisioner.internal.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a teardown needs, resolved from flags and environment. {@code rate} is 0 with {@code
 * autoRate} ({@code --rate auto}), whose ceiling {@code maxRate} is 0 for none. {@link
 * #toString()} leaves the key out.
 */
record TeardownSettings(
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
    int maxConsecutiveFailures,
    Duration deadline,
    Duration grace,
    Path summary,
    Path report,
    boolean keepStopped,
    boolean noList,
    boolean quiet) {

  /**
   * How long after the ledger's last change a listing may start when the previous run on it crashed
   * or stopped with calls in flight: the run's default {@code --settle-delay}, as teardown has no
   * such flag.
   */
  static final Duration SETTLE_DELAY = Duration.ofSeconds(15);

  @Override
  public String toString() {
    return "TeardownSettings[ledger=" + ledger + ", baseUrl=" + baseUrl + ", apiKey=***]";
  }
}
