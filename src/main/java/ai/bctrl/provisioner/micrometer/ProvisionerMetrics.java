package ai.bctrl.provisioner.micrometer;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.ProvisionerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records a provisioner's work as Micrometer meters. Register it as a listener, and optionally bind
 * the live gauges to the provisioner:
 *
 * <pre>{@code
 * ProvisionerMetrics metrics = new ProvisionerMetrics(registry);
 * Provisioner p = Provisioner.builder()....listener(metrics).build();
 * metrics.bindGauges(p);
 * }</pre>
 *
 * <p>Meters (every one also carries the common tags given to the constructor):
 * <ul>
 *   <li>{@code provisioner.attempts} (counter; tags {@code result}: succeeded, retryable, uncertain,
 *       permanent, fatal; {@code status}: the HTTP status or {@code none}): create calls ended;
 *   <li>{@code provisioner.attempt.duration} (timer; tag {@code result}): one call, start to end;
 *   <li>{@code provisioner.retries} (counter; tag {@code cause}: rate_limited, server_5xx, timeout,
 *       reset, other): attempts to be repeated;
 *   <li>{@code provisioner.settles} (counter; tag {@code found}: true, false): settle listings that
 *       looked for an uncertain item;
 *   <li>{@code provisioner.items} (counter; tag {@code outcome}: created, adopted, ... as in the
 *       ledger): items ended;
 *   <li>{@code provisioner.item.latency} (timer): an item's first call start to its end, over items
 *       that made a call;
 *   <li>{@code provisioner.runs.stopped} (counter; tag {@code reason}): runs that stopped early;
 *   <li>{@code provisioner.rate} (gauge; tag {@code space}): the learned rate, per space, with
 *       {@code rate auto};
 *   <li>after {@link #bindGauges}: {@code provisioner.calls.in.flight} and {@code
 *       provisioner.calls.in.flight.max} (gauges).
 * </ul>
 *
 * <p>Thread-safe and non-blocking, as a listener must be. Meters are looked up once per tag value
 * and cached.
 */
public final class ProvisionerMetrics implements ProvisionerListener {
  private final MeterRegistry registry;
  private final Tags common;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> rates = new ConcurrentHashMap<>();

  /**
   * Meters in {@code registry} with no extra tags.
   *
   * @param registry where the meters are registered
   */
  public ProvisionerMetrics(MeterRegistry registry) {
    this(registry, Tags.empty());
  }

  /**
   * Meters in {@code registry}, each with {@code commonTags} (e.g. the pipeline's name).
   *
   * @param registry where the meters are registered
   * @param commonTags tags added to every meter; may be empty
   */
  public ProvisionerMetrics(MeterRegistry registry, Iterable<Tag> commonTags) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.common = Tags.of(Objects.requireNonNull(commonTags, "commonTags"));
  }

  /**
   * Registers gauges read from {@code provisioner}'s live counters: calls in flight now and the most
   * ever in flight. The gauges hold the provisioner weakly, as Micrometer gauges do.
   *
   * @param provisioner the provisioner whose calls in flight to show
   * @return this, to chain
   */
  public ProvisionerMetrics bindGauges(Provisioner provisioner) {
    Objects.requireNonNull(provisioner, "provisioner");
    Gauge.builder("provisioner.calls.in.flight", provisioner, p -> p.stats().inFlight())
        .tags(common).description("create calls in flight").register(registry);
    Gauge.builder("provisioner.calls.in.flight.max", provisioner, p -> p.stats().maxInFlight())
        .tags(common).description("the most create calls ever in flight at once").register(registry);
    return this;
  }

  /**
   * Counts the call in {@code provisioner.attempts} and times it in {@code
   * provisioner.attempt.duration}.
   *
   * @param e the call that ended
   */
  @Override
  public void attemptEnded(AttemptEnded e) {
    String result = lower(e.result());
    String status = e.httpStatus() == null ? "none" : Integer.toString(e.httpStatus());
    counter("provisioner.attempts", "create calls ended", "result", result, "status", status).increment();
    timer("provisioner.attempt.duration", "one create call, start to end", "result", result)
        .record(e.elapsed().toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Counts the retry in {@code provisioner.retries}, tagged with its cause.
   *
   * @param e the retry to come
   */
  @Override
  public void retryScheduled(RetryScheduled e) {
    counter("provisioner.retries", "attempts to be repeated", "cause", lower(e.cause())).increment();
  }

  /**
   * Counts the listing in {@code provisioner.settles}, tagged with whether it found the item.
   *
   * @param e what the settle listing found
   */
  @Override
  public void settled(Settled e) {
    counter("provisioner.settles", "settle listings for uncertain items", "found", Boolean.toString(e.found()))
        .increment();
  }

  /**
   * Counts the item in {@code provisioner.items}, tagged with its outcome; if it made a call, also
   * records its latency in {@code provisioner.item.latency}.
   *
   * @param r the item's result
   */
  @Override
  public void itemEnded(ItemResult r) {
    counter("provisioner.items", "items ended", "outcome", lower(r.outcome())).increment();
    if (r.attempts() > 0) {
      timer("provisioner.item.latency", "an item's first call start to its end").record(r.latencyMs(),
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Counts the stop in {@code provisioner.runs.stopped}, tagged with its reason.
   *
   * @param e why the run stopped
   */
  @Override
  public void runStopped(RunStopped e) {
    counter("provisioner.runs.stopped", "runs that stopped early", "reason", lower(e.reason())).increment();
  }

  /**
   * Sets the space's {@code provisioner.rate} gauge, registering it at the space's first change.
   *
   * @param e the space and its new rate
   */
  @Override
  public void rateChanged(RateChanged e) {
    rates.computeIfAbsent(e.spaceId(), space -> {
      AtomicLong bits = new AtomicLong();
      Gauge.builder("provisioner.rate", bits, b -> Double.longBitsToDouble(b.get()))
          .tags(common.and("space", space)).description("learned create rate, calls per second")
          .register(registry);
      return bits;
    }).set(Double.doubleToRawLongBits(e.rate()));
  }

  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(id(name, tags),
        k -> Counter.builder(name).description(description).tags(common.and(tags)).register(registry));
  }

  private Timer timer(String name, String description, String... tags) {
    return timers.computeIfAbsent(id(name, tags),
        k -> Timer.builder(name).description(description).tags(common.and(tags)).register(registry));
  }

  private static String id(String name, String... tags) {
    return tags.length == 0 ? name : name + '|' + String.join("|", tags);
  }

  private static String lower(Enum<?> e) {
    return e == null ? "none" : e.name().toLowerCase(Locale.ROOT);
  }
}
