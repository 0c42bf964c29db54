package ai.bctrl.provisioner;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;

/**
 * The validated, immutable settings of a {@link Provisioner}; built by {@link
 * Provisioner.Builder#build()} (or {@link Provisioner.Builder#config()}, which gives the defaults of
 * every setting not set). {@link #toString()} never shows the API key. Durations are {@link
 * Duration}s and rates are calls per second.
 *
 * @param baseUrl the API root, e.g. {@code https://api.bctrl.ai}
 * @param apiKey the bearer key (masked in {@code toString})
 * @param concurrency most create calls in flight at once
 * @param rate most create calls started per second, every attempt counted; 0 = no limit; not used
 *     with {@code autoRate}
 * @param burst token-bucket burst for {@code rate}
 * @param autoRate learn each space's rate from the API's answers instead of using {@code rate}
 *     ({@code --rate auto}): start modestly, climb while calls succeed, cut at a 429
 * @param maxRate with {@code autoRate}: the ceiling a space's rate never goes above; 0 = none
 * @param maxAttempts attempts per item, the first included; attempts answered 429 do not count
 * @param requestTimeout bound on one whole call
 * @param connectTimeout bound on making a connection
 * @param settleDelay how long after an uncertain attempt ended a listing must start to settle it
 * @param maxConsecutiveFailures failed attempts in a row (no success between) that stop the run
 * @param firstListingNotBefore the first listing of each space starts no earlier (crash recovery),
 *     or {@code null}
 * @param backoffBase the first retry's backoff ceiling (full jitter below it)
 * @param backoffCap the largest backoff ceiling
 * @param maxRetryAfter a {@code Retry-After} longer than this fails the item instead of waiting
 * @param clock wall clock for {@code finishedAt} and HTTP-date {@code Retry-After}
 * @param scheduler where every wait and timeout is scheduled (a virtual one in tests)
 * @param userAgent the {@code User-Agent} header
 * @param listeners observers of attempts, retries, settles, results and stops, called in order
 * @param noList for an API that cannot list: no first listing, no settling; an uncertain create
 *     ends {@code unknown} and is never repeated
 */
public record ProvisionerConfig(
    URI baseUrl,
    String apiKey,
    int concurrency,
    double rate,
    int burst,
    boolean autoRate,
    double maxRate,
    int maxAttempts,
    Duration requestTimeout,
    Duration connectTimeout,
    Duration settleDelay,
    int maxConsecutiveFailures,
    Instant firstListingNotBefore,
    Duration backoffBase,
    Duration backoffCap,
    Duration maxRetryAfter,
    Clock clock,
    Scheduler scheduler,
    String userAgent,
    List<ProvisionerListener> listeners,
    boolean noList) {

  /**
   * Checks every setting and copies the listeners, so that a config that exists is a valid one.
   * Prefer {@link Provisioner#builder()}, which fills in the defaults.
   *
   * @param baseUrl required; an {@code http} or {@code https} URL with a host
   * @param apiKey required; not blank
   * @param concurrency {@code >= 1}
   * @param rate {@code >= 0} and finite; 0 = no limit
   * @param burst {@code >= 1}; 1 with {@code autoRate}
   * @param autoRate whether to learn the rate
   * @param maxRate {@code >= 0} and finite; 0 = no ceiling; above 0 only with {@code autoRate}
   * @param maxAttempts {@code >= 1}
   * @param requestTimeout required; {@code > 0}
   * @param connectTimeout required; {@code > 0}
   * @param settleDelay required; {@code >= 0}
   * @param maxConsecutiveFailures {@code >= 1}
   * @param firstListingNotBefore an instant, or {@code null} for no wait
   * @param backoffBase required; {@code >= 0}
   * @param backoffCap required; {@code >= backoffBase}
   * @param maxRetryAfter required; {@code >= 0}
   * @param clock required
   * @param scheduler required
   * @param userAgent required
   * @param listeners required, possibly empty; copied
   * @param noList whether the API cannot list
   * @throws NullPointerException naming a required setting that is {@code null} ("baseUrl must be
   *     set")
   * @throws IllegalArgumentException naming the first bad setting and its value ("concurrency must
   *     be &gt;= 1 but was 0")
   */
  public ProvisionerConfig {
    Objects.requireNonNull(baseUrl, "baseUrl must be set");
    Objects.requireNonNull(apiKey, "apiKey must be set");
    if (apiKey.isBlank()) {
      throw new IllegalArgumentException("apiKey must not be blank");
    }
    String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || baseUrl.getHost() == null) {
      throw new IllegalArgumentException("baseUrl must be an http or https URL but was " + baseUrl);
    }
    atLeast("concurrency", concurrency, 1);
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate must be >= 0 (0 = no limit) but was " + rate);
    }
    atLeast("burst", burst, 1);
    if (!(maxRate >= 0) || Double.isInfinite(maxRate)) {
      throw new IllegalArgumentException("maxRate must be >= 0 (0 = none) but was " + maxRate);
    }
    if (maxRate > 0 && !autoRate) {
      throw new IllegalArgumentException("maxRate is the ceiling of a learned rate; it needs autoRate");
    }
    if (autoRate && burst > 1) {
      throw new IllegalArgumentException("burst is for a fixed rate; a learned rate spaces its starts evenly");
    }
    atLeast("maxAttempts", maxAttempts, 1);
    positive("requestTimeout", requestTimeout);
    positive("connectTimeout", connectTimeout);
    notNegative("settleDelay", settleDelay);
    atLeast("maxConsecutiveFailures", maxConsecutiveFailures, 1);
    notNegative("backoffBase", backoffBase);
    notNegative("backoffCap", backoffCap);
    if (backoffCap.compareTo(backoffBase) < 0) {
      throw new IllegalArgumentException(
          "backoffCap must be >= backoffBase (" + backoffBase + ") but was " + backoffCap);
    }
    notNegative("maxRetryAfter", maxRetryAfter);
    Objects.requireNonNull(clock, "clock must be set");
    Objects.requireNonNull(scheduler, "scheduler must be set");
    Objects.requireNonNull(userAgent, "userAgent must be set");
    listeners = List.copyOf(Objects.requireNonNull(listeners, "listeners must be set"));
  }

  private static void atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + " but was " + value);
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name + " must be set");
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be > 0 but was " + d);
    }
  }

  private static void notNegative(String name, Duration d) {
    Objects.requireNonNull(d, name + " must be set");
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + d);
    }
  }

  /** Everything but the key, which shows as {@code ****}. */
  @Override
  public String toString() {
    return "ProvisionerConfig[baseUrl=" + baseUrl + ", apiKey=****, concurrency=" + concurrency + ", rate="
        + (autoRate ? "auto" + (maxRate > 0 ? " (max " + maxRate + ")" : "") : rate)
        + ", burst=" + burst + ", maxAttempts=" + maxAttempts + ", requestTimeout=" + requestTimeout
        + ", connectTimeout=" + connectTimeout + ", settleDelay=" + settleDelay + ", maxConsecutiveFailures="
        + maxConsecutiveFailures + ", firstListingNotBefore=" + firstListingNotBefore + ", backoffBase="
        + backoffBase + ", backoffCap=" + backoffCap + ", maxRetryAfter=" + maxRetryAfter + ", userAgent="
        + userAgent + ", listeners=" + listeners.size() + ", noList=" + noList + "]";
  }
}
