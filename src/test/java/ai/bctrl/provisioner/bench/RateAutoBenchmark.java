package ai.bctrl.provisioner.bench;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.Provisioner;
import ai.bctrl.provisioner.ProvisionerConfig;
import ai.bctrl.provisioner.ProvisionerListener;
import ai.bctrl.provisioner.internal.client.BctrlClient;
import ai.bctrl.provisioner.internal.engine.Engine;
import ai.bctrl.provisioner.internal.engine.Listeners;
import ai.bctrl.provisioner.internal.engine.StartLimiter;
import ai.bctrl.provisioner.internal.engine.StartLimiters;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --rate auto} against the sandbox's rate limit, beside the AWS-style reference controller
 * on the same scenarios, in the same engine. Each run gets a sandbox of its own, in its own JVM
 * (its rate limit is timed by a process the provisioner's threads and pauses cannot slow down):
 * latency 10..30 ms, burst 5, {@code Retry-After: 1}; the provisioner with concurrency 32 and
 * 2,000 items. Scenarios: a steady 40/s; a limit dropping from 60/s to 20/s half-way (once 1,000
 * items' worth of 60/s has passed) and one rising from 20/s to 60/s half-way.
 *
 * <p>Each sandbox first limits at {@value #WARM_UP_LIMIT}/s for {@value #WARM_UP_SECONDS} s, while the
 * controller under test makes up to {@value #WARM_UP_ITEMS} creates in a space of their own (both
 * JVMs warm up, the answering of a 429 too); the measured run starts when the scenario's limit does. Prints one row per run (the sandbox's count of calls and 429s; creates per second
 * as a share of the limit, over the run and per phase; how long after a change the controller's
 * rate came within 10% of the new limit, and stayed there 5 s) and writes, per scenario, {@code
 * target/bench-rate-auto/NAME.csv}: one line per second with the limit and, per controller, its
 * rate at the end of the second, the creates and the 429s of the calls started in it. Not a test:
 * it asserts nothing.
 *
 * <pre>
 * bench/rate-auto [items] [steady|drop|rise ...] [controllers=learned,aws,aws_no_pause,learned_no_pause] [trace]
 * </pre>
 *
 * {@code trace} also writes every call, arrival and rate change of each run ({@link #writeTrace}).
 */
public final class RateAutoBenchmark {
  private static final int CONCURRENCY = 32;
  private static final int BURST = 5;
  private static final String LATENCY = "10ms..30ms";
  private static final String SPACE = "sp_bench";
  private static final int WARM_UP_ITEMS = 300;
  private static final long WARM_UP_SECONDS = 5;
  /** The limit while warming up: high enough to warm up quickly, low enough to be met (429s warm up too). */
  private static final double WARM_UP_LIMIT = 100;
  /** How long the rate must stay within 10% of a new limit to count as settled there. */
  private static final double SETTLED_FOR = 5;
  private static final Path OUT = Path.of("target", "bench-rate-auto");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private RateAutoBenchmark() {}

  /** A limit over time: {@code limits[i]} from {@code at[i]} seconds after the measured run starts. */
  record Scenario(String name, double[] at, double[] limits) {
    double limitAt(double second) {
      double l = limits[0];
      for (int i = 0; i < at.length; i++) {
        if (second >= at[i]) {
          l = limits[i];
        }
      }
      return l;
    }

    boolean changes() {
      return at.length > 1;
    }

    /** The sandbox's {@code --rate-schedule}: its warm-up limit, then the scenario. */
    String schedule() {
      StringBuilder sb = new StringBuilder(fmt0(WARM_UP_LIMIT) + "@0s");
      for (int i = 0; i < at.length; i++) {
        sb.append(',').append(fmt0(limits[i])).append('@').append(Math.round((WARM_UP_SECONDS + at[i]) * 1000))
            .append("ms");
      }
      return sb.toString();
    }

    String describe() {
      return changes() ? fmt0(limits[0]) + "/s, " + fmt0(limits[1]) + "/s from " + fmt0(at[1]) + " s"
          : fmt0(limits[0]) + "/s";
    }
  }

  /** A controller under test: how the engine takes its starts. */
  enum Controller {
    LEARNED("`--rate auto`"),
    AWS("AWS-style, 429 pauses the space"),
    AWS_NO_PAUSE("AWS-style as botocore: no pause"),
    LEARNED_NO_PAUSE("`--rate auto` without its pause (diagnostic)");

    final String label;

    Controller(String label) {
      this.label = label;
    }

    StartLimiter limiter(Scheduler scheduler, ProvisionerListener listener) {
      return switch (this) {
        case LEARNED -> StartLimiters.learned(scheduler, listener);
        case AWS -> StartLimiters.aws(scheduler, true, listener);
        case AWS_NO_PAUSE -> StartLimiters.aws(scheduler, false, listener);
        case LEARNED_NO_PAUSE -> StartLimiters.learnedWithoutPause(scheduler, listener);
      };
    }

    String column() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What one run saw, in seconds since the measured run started. */
  static final class Recorder implements ProvisionerListener {
    final long origin;
    final List<double[]> rates = new ArrayList<>();   // {second, rate}
    /** {second the call started, HTTP status (0 = none), second it was answered}. */
    final List<double[]> answers = new ArrayList<>();
    double lastAnswer;

    Recorder(long origin) {
      this.origin = origin;
    }

    double now() {
      return (System.nanoTime() - origin) / 1e9;
    }

    @Override
    public synchronized void attemptEnded(AttemptEnded e) {
      double now = now();
      answers.add(new double[] {now - e.elapsed().toNanos() / 1e9, e.httpStatus() == null ? 0 : e.httpStatus(), now});
      lastAnswer = Math.max(lastAnswer, now);
    }

    @Override
    public synchronized void rateChanged(RateChanged e) {
      rates.add(new double[] {now(), e.rate()});
    }

    /** The rate in force at {@code second}: NaN before the first, infinite while unlimited. */
    synchronized double rateAt(double second) {
      double r = Double.NaN;
      for (double[] x : rates) {
        if (x[0] <= second) {
          r = x[1];
        }
      }
      return r;
    }

    /** Calls started from {@code from} to {@code to} and answered {@code status}. */
    synchronized long count(double from, double to, int status) {
      return answers.stream().filter(a -> a[0] >= from && a[0] < to && a[1] == status).count();
    }

    synchronized double firstStart() {
      return answers.stream().mapToDouble(a -> a[0]).min().orElse(0);
    }
  }

  record Result(Scenario scenario, Controller controller, Recorder rec, long calls, long rejected, long created,
      double first, double last, double load) {}

  public static void main(String[] args) throws Exception {
    int items = 2000;
    List<String> names = new ArrayList<>();
    List<Controller> controllers = List.of(Controller.values());
    boolean trace = false;
    for (String a : args) {
      if (a.equals("trace")) {
        trace = true;
      } else if (a.startsWith("controllers=")) {
        controllers = Arrays.stream(a.substring("controllers=".length()).split(","))
            .map(c -> Controller.valueOf(c.trim().toUpperCase(Locale.ROOT))).toList();
      } else if (a.matches("\\d+")) {
        items = Integer.parseInt(a);
      } else {
        names.add(a);
      }
    }
    if (names.isEmpty()) {
      names = List.of("steady", "drop", "rise");
    }
    double half60 = Math.round(items / 2.0 / 60);
    double half20 = Math.round(items / 2.0 / 20);
    List<Scenario> scenarios = new ArrayList<>();
    for (String n : names) {
      scenarios.add(switch (n) {
        case "steady" -> new Scenario("steady", new double[] {0}, new double[] {40});
        case "drop" -> new Scenario("drop", new double[] {0, half60}, new double[] {60, 20});
        case "rise" -> new Scenario("rise", new double[] {0, half20}, new double[] {20, 60});
        default -> throw new IllegalArgumentException("scenarios are steady, drop and rise, not " + n);
      });
    }
    Files.createDirectories(OUT);
    System.out.printf(Locale.ROOT, "%d items, concurrency %d, sandbox latency %s, burst %d; %d cores, load %.1f; %s%n",
        items, CONCURRENCY, LATENCY, BURST, Runtime.getRuntime().availableProcessors(), load(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    List<Result> results = new ArrayList<>();
    for (Scenario s : scenarios) {
      List<Result> rs = new ArrayList<>();
      for (Controller c : controllers) {
        Result r = run(s, c, items, trace);
        System.out.println(row(r));
        rs.add(r);
      }
      writeCsv(s, rs);
      results.addAll(rs);
    }
    System.out.println();
    System.out.println(header());
    results.forEach(r -> System.out.println(row(r)));
    System.out.printf(Locale.ROOT, "%nCSVs (one line per second) in %s/%n", OUT);
  }

  static Result run(Scenario s, Controller c, int n, boolean trace) throws Exception {
    try (SandboxProcess sandbox = SandboxProcess.start(s.schedule(), s.name() + "-" + c.column())) {
      Scheduler scheduler = Schedulers.parallel();
      long startAt = sandbox.origin + TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
      Recorder rec = new Recorder(startAt);
      ProvisionerConfig cfg = config(sandbox).autoRate().listener(rec).scheduler(scheduler).config();
      // one client for the warm-up and the run: the run starts with connections open
      BctrlClient client = client(cfg, scheduler);
      try {
        warmUp(client, config(sandbox).autoRate().scheduler(scheduler).config(), c, startAt);
        JsonNode before = sandbox.stats();
        Engine engine = new Engine(client, cfg, new Random(1), c.limiter(scheduler, new Listeners(cfg.listeners())));
        Flux<Item> items = Flux.range(0, n).map(i -> Item.of(s.name() + "-" + i, SPACE,
            new CreateRuntimeRequest(null, "b" + i, null, null, null, null)));
        long wait = startAt - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        List<ItemResult> out = engine.provision(items, Flux.never(), false).collectList().block(Duration.ofMinutes(30));
        JsonNode after = sandbox.stats();
        if (trace) {
          writeTrace(s, c, rec, sandbox.arrivals(startAt));
        }
        long created = out.stream().filter(r -> r.outcome() == Outcome.CREATED).count();
        return new Result(s, c, rec, after.get("createRequests").asLong() - before.get("createRequests").asLong(),
            count429(after) - count429(before), created, rec.firstStart(), rec.lastAnswer, load());
      } finally {
        client.close();
      }
    }
  }

  /**
   * Creates in a space of their own by the controller under test, against the sandbox's warm-up
   * limit (so that answering a 429 is warm too); stopped a second before {@code startAt}, when the
   * scenario's limit starts, so that the sandbox's bucket is full again by then.
   */
  static void warmUp(BctrlClient client, ProvisionerConfig cfg, Controller c, long startAt) {
    Duration left = Duration.ofNanos(startAt - System.nanoTime());
    new Engine(client, cfg, new Random(1), c.limiter(cfg.scheduler(), new Listeners(cfg.listeners())))
        .provision(Flux.range(0, WARM_UP_ITEMS).map(i -> Item.of("warm-" + i, "sp_warm",
            new CreateRuntimeRequest(null, "w" + i, null, null, null, null))),
            Mono.delay(left.minusMillis(1500)).map(x -> Duration.ofMillis(500)), false)
        .blockLast(left);
  }

  static Provisioner.Builder config(SandboxProcess sandbox) {
    return Provisioner.builder().baseUrl(sandbox.baseUrl).apiKey(SandboxProcess.KEY).concurrency(CONCURRENCY)
        .maxAttempts(10);
  }

  static BctrlClient client(ProvisionerConfig cfg, Scheduler scheduler) {
    return BctrlClient.create(cfg.baseUrl(), cfg.apiKey(), cfg.concurrency() + Engine.MAX_LISTING_CALLS,
        cfg.requestTimeout(), cfg.connectTimeout(), cfg.userAgent(), scheduler);
  }

  static long count429(JsonNode stats) {
    JsonNode n = stats.get("requestsByStatus").get("429");
    return n == null ? 0 : n.asLong();
  }

  static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /**
   * {@code provisioner sandbox} in a JVM of its own, on a free port; its limit's schedule counts
   * from {@link #origin} (when it said it was listening, a few milliseconds after it started).
   */
  static final class SandboxProcess implements AutoCloseable {
    static final String KEY = "bench-key";
    final Process process;
    final URI baseUrl;
    final long origin;
    private final HttpClient http = HttpClient.newHttpClient();

    private SandboxProcess(Process process, URI baseUrl, long origin) {
      this.process = process;
      this.baseUrl = baseUrl;
      this.origin = origin;
    }

    static SandboxProcess start(String schedule, String name) throws Exception {
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> cmd = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          "ai.bctrl.provisioner.internal.cli.Main", "sandbox", "--port", "0", "--api-key", KEY, "--seed", "1",
          "--latency", LATENCY, "--burst", String.valueOf(BURST), "--rate-schedule", schedule);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
      CompletableFuture<String> listening = new CompletableFuture<>();
      Writer log = Files.newBufferedWriter(OUT.resolve("sandbox-" + name + ".log"));
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            log) {
          for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith("bctrl sandbox listening on ")) {
              listening.complete(line.substring("bctrl sandbox listening on ".length()).trim());
            }
            log.write(line);
            log.write('\n');
          }
        } catch (IOException e) {
          listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("the sandbox ended before it listened"));
      }, "sandbox-output");
      reader.setDaemon(true);
      reader.start();
      try {
        String url = listening.get(60, TimeUnit.SECONDS);
        return new SandboxProcess(p, URI.create(url), System.nanoTime());
      } catch (Exception e) {
        p.destroyForcibly();
        throw e;
      }
    }

    /** When each create request arrived, in seconds since {@code origin} (the sandbox's clock is this JVM's). */
    List<Double> arrivals(long origin) throws IOException, InterruptedException {
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(baseUrl.resolve("/__sandbox/stats")).build(),
          HttpResponse.BodyHandlers.ofString());
      List<Double> out = new ArrayList<>();
      JSON.readTree(res.body()).get("createStartNanos").forEach(x -> out.add((x.asLong() - origin) / 1e9));
      return out;
    }

    JsonNode stats() throws IOException, InterruptedException {
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(baseUrl.resolve("/__sandbox/stats?createStartNanos=false"))
          .build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(res.body());
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  static String header() {
    return "| scenario | controller | calls | answered 429 | creates/s | of the limit | phase 1 (429s) | phase 2 (429s) "
        + "| within 10% of the new limit: first, held 5 s | load |\n"
        + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  }

  static String row(Result r) {
    Scenario s = r.scenario();
    double seconds = r.last() - r.first();
    double perSecond = r.created() / seconds;
    String p1 = "";
    String p2 = "";
    String conv = "";
    if (s.changes()) {
      double tc = s.at()[1];
      p1 = phase(r, r.first(), tc, s.limits()[0]);
      p2 = phase(r, tc, r.last(), s.limits()[1]);
      conv = within10(r.rec(), tc, s.limits()[1], r.last());
    }
    return String.format(Locale.ROOT, "| %s | %s | %d | %d (%.2f%%) | %.1f | %s | %s | %s | %s | %.1f |", s.describe(),
        r.controller().label, r.calls(), r.rejected(), 100.0 * r.rejected() / r.calls(), perSecond,
        pct(perSecond / meanLimit(s, r.first(), r.last())), p1, p2, conv, r.load());
  }

  /** Creates per second from {@code from} to {@code to} as a share of {@code limit}, and the 429s. */
  static String phase(Result r, double from, double to, double limit) {
    return pct(r.rec().count(from, to, 200) / (to - from) / limit) + " (" + r.rec().count(from, to, 429) + ")";
  }

  static double meanLimit(Scenario s, double from, double to) {
    double sum = 0;
    int n = 0;
    for (double t = from; t < to; t += 0.01, n++) {
      sum += s.limitAt(t);
    }
    return n == 0 ? s.limits()[0] : sum / n;
  }

  /**
   * How long after {@code tc} the controller's rate was first within 10% of {@code limit}, and how
   * long until it was there for {@link #SETTLED_FOR} seconds in a row (or to the end of the run).
   */
  static String within10(Recorder rec, double tc, double limit, double end) {
    double first = Double.NaN;
    double held = Double.NaN;
    double since = Double.NaN;
    for (double t = tc; t <= end; t += 0.05) {
      double r = rec.rateAt(t);
      boolean in = Math.abs(r - limit) <= 0.1 * limit; // false for NaN and infinity
      if (in && Double.isNaN(first)) {
        first = t - tc;
      }
      if (in && Double.isNaN(since)) {
        since = t;
      } else if (!in) {
        since = Double.NaN;
      }
      if (!Double.isNaN(since) && (t - since >= SETTLED_FOR || t + 0.05 > end)) {
        held = since - tc;
        break;
      }
    }
    return (Double.isNaN(first) ? "never" : String.format(Locale.ROOT, "%.1f s", first)) + ", "
        + (Double.isNaN(held) ? "never" : String.format(Locale.ROOT, "%.1f s", held));
  }

  static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  static void writeCsv(Scenario s, List<Result> rs) {
    StringBuilder sb = new StringBuilder("second,limit");
    Function<Controller, String> col = Controller::column;
    for (Result r : rs) {
      String c = col.apply(r.controller());
      sb.append(',').append(c).append("_rate,").append(c).append("_creates,").append(c).append("_429");
    }
    sb.append('\n');
    double end = rs.stream().mapToDouble(Result::last).max().orElse(0);
    for (int sec = 0; sec < Math.ceil(end); sec++) {
      sb.append(sec).append(',').append(fmt(s.limitAt(sec)));
      for (Result r : rs) {
        double rate = sec <= r.last() ? r.rec().rateAt(sec + 1) : Double.NaN;
        sb.append(',').append(Double.isNaN(rate) || Double.isInfinite(rate) ? "" : fmt(rate))
            .append(',').append(r.rec().count(sec, sec + 1, 200))
            .append(',').append(r.rec().count(sec, sec + 1, 429));
      }
      sb.append('\n');
    }
    try {
      Files.writeString(OUT.resolve(s.name() + ".csv"), sb);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every event of a run, in seconds since it started, sorted: {@code call,START,STATUS,ANSWERED}
   * (the provisioner's view), {@code arrival,T} (the sandbox's; both JVMs read the same monotonic
   * clock), {@code rate,T,RATE} (the controller's). Shows, for instance, calls that left late and
   * reached the sandbox together.
   */
  static void writeTrace(Scenario s, Controller c, Recorder rec, List<Double> arrivals) throws IOException {
    List<String> lines = new ArrayList<>();
    synchronized (rec) {
      rec.answers.forEach(a -> lines.add("call," + fmt3(a[0]) + "," + (int) a[1] + "," + fmt3(a[2])));
      rec.rates.forEach(r -> lines.add("rate," + fmt3(r[0]) + "," + fmt(r[1])));
    }
    arrivals.forEach(t -> lines.add("arrival," + fmt3(t)));
    lines.sort(java.util.Comparator.comparingDouble(l -> Double.parseDouble(l.split(",")[1])));
    Files.write(OUT.resolve("trace-" + s.name() + "-" + c.column() + ".csv"), lines);
  }

  static String fmt3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String fmt0(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
