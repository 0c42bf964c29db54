package ai.bctrl.provisioner.sandbox;

import ai.bctrl.provisioner.internal.Durations;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import reactor.core.scheduler.Scheduler;

/**
 * How a {@link SandboxServer} behaves: an immutable record, usually made by {@link #builder()}.
 * Every setting is checked when the record is made (by {@code build()} or the constructor), and a
 * bad one fails with a message naming it ("burst must be >= 1 but was 0"), so a config that exists
 * is a valid one. The defaults are those of the {@code sandbox} command: port 8787, a random key,
 * latency 50ms..300ms, no rate limit, no faults, hold 30s, no quota, no idempotency, a random
 * seed, listing pages of 100, a list route.
 *
 * <p>A config is immutable and safe to share between threads; its {@link Builder} is not. The
 * {@code parse...} methods read the command-line spelling of a setting ({@code --faults}, {@code
 * --latency}, {@code --rate-schedule}), so a test or benchmark can take the same strings a person
 * types.
 *
 * @param port port on 127.0.0.1; 0 = any free port
 * @param apiKey the accepted key, or {@code null} for a random one chosen at start
 * @param latencyMin least create latency
 * @param latencyMax most create latency (each create waits a uniformly drawn time in between)
 * @param rate calls accepted per second; 0 = no limit
 * @param burst the rate limit's token-bucket size
 * @param rateSchedule the rate changing over time: {@code rate} until the first step, then each
 *     step's rate from its time on, times counted from the server's start (empty = {@code rate}
 *     throughout); a step's rate of 0 is no limit; {@code burst} applies throughout
 * @param faults the shares given per kind with {@code faults(...)} (in {@link FaultKind} order)
 * @param faultRate a share spread evenly over every kind {@code faults} leaves out
 * @param hold how long a {@code hold} fault keeps a request before it goes through
 * @param maxActive most active runtimes before 402, or {@code null} for no quota
 * @param idempotency whether a repeated {@code Idempotency-Key} replays the first answer
 * @param noList whether the list route answers 405, as an API that cannot list runtimes
 * @param seed the seed of every random choice, or {@code null} for a random one chosen at start
 * @param pageSize runtimes per listing page unless {@code ?limit=} says otherwise
 * @param clock the wall clock of {@code createdAt} and {@code updatedAt}
 * @param nanoTime the monotonic nanosecond source of request start times and the rate limit
 * @param scheduler where latency and hold delays are timed, or {@code null} (the default) for the
 *     server's own timer threads, which global {@code Schedulers} hooks such as virtual time cannot
 *     reach
 */
public record SandboxConfig(
    int port,
    String apiKey,
    Duration latencyMin,
    Duration latencyMax,
    double rate,
    int burst,
    List<RateStep> rateSchedule,
    Map<FaultKind, Double> faults,
    double faultRate,
    Duration hold,
    Integer maxActive,
    boolean idempotency,
    boolean noList,
    Long seed,
    int pageSize,
    Clock clock,
    LongSupplier nanoTime,
    Scheduler scheduler) {

  /** Most runtimes one listing page may hold (for {@code pageSize} and {@code ?limit=}). */
  public static final int MAX_PAGE_SIZE = 1000;

  /** The default monotonic source; one instance, so that equal settings make equal configs. */
  private static final LongSupplier SYSTEM_NANO_TIME = System::nanoTime;

  /**
   * A latency range, as {@link #parseLatency} reads it: each create waits a uniformly drawn time in
   * {@code [min, max]}.
   *
   * @param min the least wait
   * @param max the most wait ({@link SandboxConfig} requires it to be at least {@code min})
   */
  public record Latency(Duration min, Duration max) {
    /**
     * Makes a range; the order of the ends is checked when a config is built from it.
     *
     * @param min the least wait, not {@code null}
     * @param max the most wait, not {@code null}
     * @throws NullPointerException when an end is {@code null}
     */
    public Latency {
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
    }
  }

  /**
   * One step of a rate schedule: from {@code at} after the server's start, {@code perSecond} calls
   * per second (0 = no limit). Its {@link #toString()} is its {@code --rate-schedule} form, {@code
   * 20@30s}.
   *
   * @param at when the step begins, counted from the server's start
   * @param perSecond calls accepted per second from then on; 0 = no limit
   */
  public record RateStep(Duration at, double perSecond) {
    /**
     * Makes a step; its values are checked when a config is built from it ({@code at >= 0}, {@code
     * perSecond >= 0} and finite, times increasing from step to step).
     *
     * @param at when the step begins, not {@code null}
     * @param perSecond calls per second from then on
     * @throws NullPointerException when {@code at} is {@code null}
     */
    public RateStep {
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String toString() {
      long ms = at.toMillis();
      return num(perSecond) + "@" + (ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms");
    }
  }

  /**
   * Checks every setting and copies the fault map and the rate schedule, so later changes to the
   * maps and lists passed in do not reach the config. {@link #builder()} fills in the defaults.
   *
   * @param port 0..65535
   * @param apiKey {@code null}, or 1..200 visible ASCII characters without spaces
   * @param latencyMin {@code >= 0}
   * @param latencyMax {@code >= latencyMin}
   * @param rate {@code >= 0} and finite
   * @param burst {@code >= 1}
   * @param rateSchedule not {@code null}; each step at {@code >= 0s} with a finite rate {@code >=
   *     0}, times strictly increasing
   * @param faults not {@code null}; each share 0..1
   * @param faultRate 0..1; with the explicit shares, the shares of all kinds add up to at most 1
   * @param hold {@code >= 0}
   * @param maxActive {@code null}, or {@code >= 0}
   * @param idempotency any
   * @param noList any
   * @param seed {@code null} or any
   * @param pageSize 1..{@value #MAX_PAGE_SIZE}
   * @param clock not {@code null}
   * @param nanoTime not {@code null}
   * @param scheduler {@code null} or any
   * @throws IllegalArgumentException naming the first bad setting and its value
   * @throws NullPointerException naming a required setting that is {@code null}
   */
  public SandboxConfig {
    Objects.requireNonNull(latencyMin, "latency min");
    Objects.requireNonNull(latencyMax, "latency max");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(hold, "hold");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(nanoTime, "nanoTime");
    require(port >= 0 && port <= 65535, "port must be 0..65535 but was " + port);
    if (apiKey != null) {
      require(
          !apiKey.isEmpty() && apiKey.length() <= 200 && apiKey.chars().allMatch(c -> c > 32 && c < 127),
          "api key must be 1..200 visible ASCII characters without spaces");
    }
    require(!latencyMin.isNegative(), "latency min must be >= 0 but was " + latencyMin);
    require(
        latencyMax.compareTo(latencyMin) >= 0,
        "latency max must be >= min (" + latencyMin + ") but was " + latencyMax);
    require(rate >= 0 && Double.isFinite(rate), "rate must be >= 0 but was " + rate);
    require(burst >= 1, "burst must be >= 1 but was " + burst);
    rateSchedule = List.copyOf(Objects.requireNonNull(rateSchedule, "rate schedule"));
    for (int i = 0; i < rateSchedule.size(); i++) {
      RateStep step = rateSchedule.get(i);
      require(!step.at().isNegative(), "rate schedule step " + (i + 1) + " must be at >= 0s but was " + step);
      require(step.perSecond() >= 0 && Double.isFinite(step.perSecond()),
          "rate schedule step " + (i + 1) + " must have a rate >= 0 but was " + step);
      if (i > 0) {
        RateStep before = rateSchedule.get(i - 1);
        require(step.at().compareTo(before.at()) > 0, "rate schedule times must increase but step " + (i + 1)
            + " (" + step + ") follows step " + i + " (" + before + ")");
      }
    }
    EnumMap<FaultKind, Double> copy = new EnumMap<>(FaultKind.class);
    copy.putAll(faults);
    double sum = 0;
    for (Map.Entry<FaultKind, Double> e : copy.entrySet()) {
      double s = Objects.requireNonNull(e.getValue(), "fault share");
      require(s >= 0 && s <= 1, "fault share of " + e.getKey().wire() + " must be 0..1 but was " + s);
      sum += s;
    }
    faults = Collections.unmodifiableMap(copy);
    require(faultRate >= 0 && faultRate <= 1, "fault rate must be 0..1 but was " + faultRate);
    int rest = FaultKind.values().length - copy.size();
    sum += faultRate / FaultKind.values().length * rest;
    require(sum <= 1 + 1e-9, "fault shares must add up to at most 1 but add up to " + round(sum));
    require(!hold.isNegative(), "hold must be >= 0 but was " + hold);
    if (maxActive != null) {
      require(maxActive >= 0, "max active must be >= 0 but was " + maxActive);
    }
    require(
        pageSize >= 1 && pageSize <= MAX_PAGE_SIZE,
        "page size must be 1.." + MAX_PAGE_SIZE + " but was " + pageSize);
  }

  /**
   * A builder holding the defaults (see the class description).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this config's settings, to derive a changed copy (e.g. for {@link
   * SandboxServer#reconfigure}). This config does not change.
   *
   * @return a new builder with every setting of this config
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The share of calls each kind hits, in {@link FaultKind} order: the explicit {@link #faults()}
   * share where one is given, otherwise {@code faultRate / 9}; kinds with share 0 are left out.
   */
  Map<FaultKind, Double> effectiveFaults() {
    EnumMap<FaultKind, Double> eff = new EnumMap<>(FaultKind.class);
    for (FaultKind k : FaultKind.values()) {
      double share = faults.containsKey(k) ? faults.get(k) : faultRate / FaultKind.values().length;
      if (share > 0) {
        eff.put(k, share);
      }
    }
    return Collections.unmodifiableMap(eff);
  }

  /**
   * Parses a {@code --faults} spec such as {@code 503=0.05,reset-after=0.02}. An empty spec or
   * {@code none} is no faults. Kinds are named by {@link FaultKind#wire()}; each share is 0..1 and
   * the shares add up to at most 1.
   *
   * @param spec the spec, not {@code null}
   * @return the share per kind, in {@link FaultKind} order, for {@link Builder#faults}; a new,
   *     modifiable map
   * @throws IllegalArgumentException with a one-line message naming the bad part
   */
  public static Map<FaultKind, Double> parseFaults(String spec) {
    Objects.requireNonNull(spec, "spec");
    EnumMap<FaultKind, Double> out = new EnumMap<>(FaultKind.class);
    String s = spec.trim();
    if (s.isEmpty() || s.equalsIgnoreCase("none")) {
      return out;
    }
    double sum = 0;
    for (String part : s.split(",", -1)) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "--faults: expected KIND=SHARE like 503=0.05, got \"" + p + "\"");
      }
      String name = p.substring(0, eq).trim();
      FaultKind kind;
      try {
        kind = FaultKind.of(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--faults: " + e.getMessage(), e);
      }
      if (out.containsKey(kind)) {
        throw new IllegalArgumentException("--faults: fault kind " + name + " is given twice");
      }
      String value = p.substring(eq + 1).trim();
      double share;
      try {
        share = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        share = Double.NaN;
      }
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException(
            "--faults: share of " + name + " must be a number 0..1, got \"" + value + "\"");
      }
      sum += share;
      out.put(kind, share);
    }
    if (sum > 1 + 1e-9) {
      throw new IllegalArgumentException(
          "--faults: shares must add up to at most 1 but add up to " + round(sum));
    }
    return out;
  }

  /**
   * Parses a {@code --latency} range {@code MIN..MAX} such as {@code 200ms..2s}; a single duration
   * is a constant latency. Durations are written {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 0}
   * or ISO-8601 ({@code PT2S}).
   *
   * @param text the range, not {@code null}
   * @return the range, for {@link Builder#latency(Latency)}
   * @throws IllegalArgumentException with a one-line message quoting the text
   */
  public static Latency parseLatency(String text) {
    Objects.requireNonNull(text, "text");
    int dots = text.indexOf("..");
    try {
      Duration min = Durations.parse(dots < 0 ? text : text.substring(0, dots));
      Duration max = dots < 0 ? min : Durations.parse(text.substring(dots + 2));
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "--latency: MAX must be >= MIN, got \"" + text + "\"");
      }
      return new Latency(min, max);
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith("--latency")) {
        throw e;
      }
      throw new IllegalArgumentException(
          "--latency: expected MIN..MAX like 50ms..300ms, got \"" + text + "\"", e);
    }
  }

  private static String round(double d) {
    return BigDecimal.valueOf(d).setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  /**
   * Parses a {@code --rate-schedule} spec such as {@code 60@0s,20@30s,60@60s}: from each time on
   * (counted from the server's start) that many calls per second. An empty spec or {@code none} is
   * no schedule.
   *
   * @param spec the spec, not {@code null}
   * @return the steps in order, for {@link Builder#rateSchedule}; a new, modifiable list
   * @throws IllegalArgumentException with a one-line message naming the bad part
   */
  public static List<RateStep> parseRateSchedule(String spec) {
    Objects.requireNonNull(spec, "spec");
    String s = spec.trim();
    List<RateStep> out = new ArrayList<>();
    if (s.isEmpty() || s.equalsIgnoreCase("none")) {
      return out;
    }
    String previous = null;
    for (String part : s.split(",", -1)) {
      String p = part.trim();
      int at = p.indexOf('@');
      if (at < 0) {
        throw new IllegalArgumentException(
            "--rate-schedule: expected RATE@TIME like 20@30s, got \"" + p + "\"");
      }
      String rateText = p.substring(0, at).trim();
      double rate;
      try {
        rate = Double.parseDouble(rateText);
      } catch (NumberFormatException e) {
        rate = Double.NaN;
      }
      if (!(rate >= 0 && Double.isFinite(rate))) {
        throw new IllegalArgumentException("--rate-schedule: rate must be a number >= 0, got \"" + rateText
            + "\" in \"" + p + "\"");
      }
      Duration time;
      try {
        time = Durations.parse(p.substring(at + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--rate-schedule: time must be a duration like 30s, got \""
            + p.substring(at + 1).trim() + "\" in \"" + p + "\"", e);
      }
      if (!out.isEmpty() && time.compareTo(out.get(out.size() - 1).at()) <= 0) {
        throw new IllegalArgumentException(
            "--rate-schedule: times must increase, but \"" + p + "\" follows \"" + previous + "\"");
      }
      out.add(new RateStep(time, rate));
      previous = p;
    }
    return out;
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Collects settings; {@link #build()} checks them all. Not thread-safe; use it on one thread. */
  public static final class Builder {
    private int port = 8787;
    private String apiKey;
    private Duration latencyMin = Duration.ofMillis(50);
    private Duration latencyMax = Duration.ofMillis(300);
    private double rate;
    private int burst = 1;
    private List<RateStep> rateSchedule = List.of();
    private Map<FaultKind, Double> faults = Map.of();
    private double faultRate;
    private Duration hold = Duration.ofSeconds(30);
    private Integer maxActive;
    private boolean idempotency;
    private boolean noList;
    private Long seed;
    private int pageSize = 100;
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoTime = SYSTEM_NANO_TIME;
    private Scheduler scheduler;

    private Builder() {}

    private Builder(SandboxConfig c) {
      port = c.port;
      apiKey = c.apiKey;
      latencyMin = c.latencyMin;
      latencyMax = c.latencyMax;
      rate = c.rate;
      burst = c.burst;
      rateSchedule = c.rateSchedule;
      faults = c.faults;
      faultRate = c.faultRate;
      hold = c.hold;
      maxActive = c.maxActive;
      idempotency = c.idempotency;
      noList = c.noList;
      seed = c.seed;
      pageSize = c.pageSize;
      clock = c.clock;
      nanoTime = c.nanoTime;
      scheduler = c.scheduler;
    }

    /**
     * The port to bind on 127.0.0.1; default 8787.
     *
     * @param port 0..65535; 0 = any free port (read it back with {@link SandboxServer#port()})
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * The only Bearer key the server accepts; default {@code null}.
     *
     * @param apiKey 1..200 visible ASCII characters, or {@code null} for a random key chosen at start
     *     (read it back with {@link SandboxServer#apiKey()})
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /**
     * How long each create takes before it is answered: a time drawn uniformly from {@code [min,
     * max]}; default 50ms..300ms. Listing, stop and delete calls are answered at once.
     *
     * @param min the least latency, {@code >= 0}
     * @param max the most latency, {@code >= min}
     * @return this builder
     * @throws NullPointerException when an end is {@code null}
     */
    public Builder latency(Duration min, Duration max) {
      this.latencyMin = Objects.requireNonNull(min, "latency min");
      this.latencyMax = Objects.requireNonNull(max, "latency max");
      return this;
    }

    /**
     * {@link #latency(Duration, Duration)} from a range, e.g. from {@link #parseLatency}.
     *
     * @param latency the range, not {@code null}
     * @return this builder
     */
    public Builder latency(Latency latency) {
      return latency(latency.min(), latency.max());
    }

    /**
     * A rate limit shared by creates, stops and deletes: a call past it is answered 429 {@code
     * rate_limited} with a {@code Retry-After}; listings are not limited. Default no limit, burst 1.
     *
     * @param perSecond calls accepted per second, {@code >= 0}; 0 = no limit
     * @param burst the token bucket's size, {@code >= 1}
     * @return this builder
     */
    public Builder rate(double perSecond, int burst) {
      this.rate = perSecond;
      this.burst = burst;
      return this;
    }

    /**
     * The rate limit's token-bucket size, for {@code rate} and every step of {@code rateSchedule};
     * default 1.
     *
     * @param burst {@code >= 1}
     * @return this builder
     */
    public Builder burst(int burst) {
      this.burst = burst;
      return this;
    }

    /**
     * The rate changing over time, e.g. from {@link #parseRateSchedule}: {@code rate} until the
     * first step, then each step's rate; empty (the default) = {@code rate} throughout.
     *
     * @param steps the steps, times strictly increasing; copied by {@link #build()}
     * @return this builder
     * @throws NullPointerException when {@code steps} is {@code null}
     */
    public Builder rateSchedule(List<RateStep> steps) {
      this.rateSchedule = Objects.requireNonNull(steps, "rate schedule");
      return this;
    }

    /**
     * The share of calls each fault kind hits, e.g. from {@link #parseFaults}; default none. Kinds
     * left out get their part of {@link #faultRate}.
     *
     * @param faults shares 0..1 per kind, adding up to at most 1; copied by {@link #build()}
     * @return this builder
     * @throws NullPointerException when {@code faults} is {@code null}
     */
    public Builder faults(Map<FaultKind, Double> faults) {
      this.faults = Objects.requireNonNull(faults, "faults");
      return this;
    }

    /**
     * A share of calls spread evenly over every fault kind (each kind gets a ninth of it) that
     * {@link #faults} leaves out; default 0.
     *
     * @param faultRate 0..1
     * @return this builder
     */
    public Builder faultRate(double faultRate) {
      this.faultRate = faultRate;
      return this;
    }

    /**
     * How long a {@link FaultKind#HOLD} fault keeps a call unanswered before it goes through;
     * default 30s.
     *
     * @param hold {@code >= 0}
     * @return this builder
     * @throws NullPointerException when {@code hold} is {@code null}
     */
    public Builder hold(Duration hold) {
      this.hold = Objects.requireNonNull(hold, "hold");
      return this;
    }

    /**
     * A quota: a create that would make more runtimes {@code active} than this is answered 402
     * {@code browser.concurrent_quota_exceeded}; default none.
     *
     * @param maxActive {@code >= 0}, or {@code null} for no quota
     * @return this builder
     */
    public Builder maxActive(Integer maxActive) {
      this.maxActive = maxActive;
      return this;
    }

    /**
     * Whether a create repeating an earlier one's {@code Idempotency-Key} gets the first answer
     * again (the same key with another body: 409) instead of a new runtime; default {@code false},
     * since the real API documents no such key on creates.
     *
     * @param idempotency {@code true} to replay answers
     * @return this builder
     */
    public Builder idempotency(boolean idempotency) {
      this.idempotency = idempotency;
      return this;
    }

    /**
     * Whether the list route answers 405 with {@code Allow: POST}, as an API that cannot list
     * runtimes; default {@code false}.
     *
     * @param noList {@code true} for no list route
     * @return this builder
     */
    public Builder noList(boolean noList) {
      this.noList = noList;
      return this;
    }

    /**
     * The seed of every random choice (latencies, faults, runtime ids); the same seed and the same
     * calls in the same order draw the same choices. Default {@code null}.
     *
     * @param seed the seed, or {@code null} for a random one chosen at start (read it back with
     *     {@link SandboxServer#seed()})
     * @return this builder
     */
    public Builder seed(Long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Runtimes per listing page when the request gives no {@code ?limit=}; default 100.
     *
     * @param pageSize 1..{@value SandboxConfig#MAX_PAGE_SIZE}
     * @return this builder
     */
    public Builder pageSize(int pageSize) {
      this.pageSize = pageSize;
      return this;
    }

    /**
     * The wall clock of the runtimes' {@code createdAt} and {@code updatedAt}; default the UTC
     * system clock.
     *
     * @param clock not {@code null}
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The monotonic nanosecond source of request start times ({@link SandboxStats#createStartNanos()})
     * and of the rate limit; default {@link System#nanoTime()}. Give the same source as a virtual
     * scheduler's clock to test rate limits without waiting.
     *
     * @param nanoTime not {@code null}; called on the server's event-loop threads, so it must not
     *     block
     * @return this builder
     */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /**
     * Where latency and hold delays are timed; default {@code null}, the server's own timer
     * threads.
     *
     * @param scheduler a scheduler (a virtual-time one in tests), or {@code null}
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /**
     * Checks every setting and makes the config. The builder may be used again afterwards.
     *
     * @return a valid config
     * @throws IllegalArgumentException naming the first bad setting and its value
     */
    public SandboxConfig build() {
      return new SandboxConfig(
          port, apiKey, latencyMin, latencyMax, rate, burst, rateSchedule, faults, faultRate, hold, maxActive,
          idempotency, noList, seed, pageSize, clock, nanoTime, scheduler);
    }
  }
}
