import java.io.IOException;
import java.io.Writer;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark behind {@code bench/run}: starts the sandbox in a JVM of its own, runs the
 * provisioner's jar against it as a user would ({@code java -jar}), and prints one row per
 * scenario. Figures come from outside the provisioner: rates and starts from the sandbox's record
 * ({@code /__sandbox/stats}), CPU from the kernel's account of the finished child (this process's
 * {@code cutime + cstime} in {@code /proc/self/stat}, so JVM start and exit are included), heap from
 * the child's GC log. JDK only, so it runs as a single source file: {@code java bench/Bench.java}.
 */
public final class Bench {
  static final String KEY = "bench-key";
  static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  static final Pattern GC_PAUSE = Pattern.compile("^\\[([0-9.]+)s\\].*Pause.* (\\d+)M->(\\d+)M\\((\\d+)M\\)");
  static final Pattern GC_EXIT = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");

  static Path jar;
  static Path work;
  static String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  static double scale = 1.0;
  static List<String> extraJvm = new ArrayList<>();
  /** bin/provisioner, run beside java -jar in scenarios 1 and 3; {@code null} with --no-launcher. */
  static Path launcher = Path.of(System.getProperty("bench.dir", "bench"), "..", "bin", "provisioner").toAbsolutePath()
      .normalize();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final List<Row> rows = new ArrayList<>();
  static final List<String> notes = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Set<String> only = new TreeSet<>(List.of("1", "2", "3", "4", "5"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> jar = Path.of(args[++i]).toAbsolutePath();
        case "--work" -> work = Path.of(args[++i]).toAbsolutePath();
        case "--only" -> only = new TreeSet<>(Arrays.asList(args[++i].split(",")));
        case "--scale" -> scale = Double.parseDouble(args[++i]);
        case "--quick" -> scale = 0.1;
        case "--jvm" -> extraJvm.addAll(Arrays.asList(args[++i].trim().split("\\s+")));
        case "--no-launcher" -> launcher = null;
        default -> {
          System.err.println("bench: unknown argument " + args[i]
              + "; use --quick --only 1,2,3,4,5 --scale F --jvm 'OPTIONS' --no-launcher --jar PATH --work DIR");
          System.exit(64);
        }
      }
    }
    if (jar == null || work == null) {
      System.err.println("bench: --jar and --work are required (bench/run passes them)");
      System.exit(64);
    }
    Files.createDirectories(work);
    machine();
    startYardstick();
    if (launcher != null) {
      buildLauncherArchive();
    }
    for (String s : only) {
      double[] load0 = load();
      switch (s) {
        case "1" -> latencyBound();
        case "2" -> rateBound();
        case "3" -> besideThePlainLoop();
        case "4" -> millionInSmallHeap();
        case "5" -> soak();
        default -> throw new IllegalArgumentException("no scenario " + s);
      }
      double[] load1 = load();
      notes.add(String.format(Locale.ROOT, "scenario %s: load average %.2f before, %.2f after", s, load0[0], load1[0]));
      printTable(); // after each scenario, so a long run shows what it has
    }
    System.out.println();
    notes.forEach(n -> System.out.println("- " + n));
  }

  // ------------------------------------------------------------------ scenarios

  /** (1) latency 100 ms, C=32, no rate: the bound is C / latency = 320/s; java -jar, then bin/provisioner. */
  static void latencyBound() throws Exception {
    latencyBound(false);
    if (launcher != null) {
      latencyBound(true);
    }
    if (hasNode()) {
      int n = items(5_000);
      try (Sandbox sb = Sandbox.start("s1n", "512m", "--latency", "100ms")) {
        warmUp(sb);
        Loop l = loop(sb, "s1-loop", n, 32);
        double rate = n / (n / l.rate + 0.100); // first request to last answer, as for the provisioner
        rows.add(new Row("1 plain loop (node)", n, 32, "none", "100ms", rate, 320, rate / 320, l.cpuMs / n, Double.NaN,
            Double.NaN, "", "the same server and scenario: what a plain client gets"));
      }
    }
  }

  static void latencyBound(boolean viaLauncher) throws Exception {
    int n = items(5_000);
    String name = viaLauncher ? "s1l" : "s1";
    try (Sandbox sb = Sandbox.start(name, "512m", "--latency", "100ms")) {
      warmUp(sb);
      Path m = manifest(name, n, 1, "s1");
      Slice before = sb.slice();
      Run r = provision(name, m, sb, List.of(), List.of("--concurrency", "32", "--rate", "0"), null, viaLauncher);
      Starts st = sb.startsSince(before);
      double secs = st.spanFromFirstRequest() + 0.100; // first request to last answer
      double rate = n / secs;
      rows.add(new Row("1 latency-bound, " + (viaLauncher ? "bin/provisioner" : "java -jar"), n, 32, "none", "100ms",
          rate, 320, rate / 320, r.cpuMs / n, r.peakHeapMb, startToFirstRequest(st, r), st.maxInOneSecond() + "",
          check(r, "ratio >= 0.98: " + ok(rate / 320 >= 0.98) + "; creates in its first 3 s: "
              + st.firstSeconds(3) + startNote(st, r, viaLauncher))));
    }
  }

  /** (2) --rate 50 --burst 1, C=64, latency 20..80 ms: the bound is the rate; no window over rate + burst. */
  static void rateBound() throws Exception {
    int n = items(2_000);
    try (Sandbox sb = Sandbox.start("s2", "512m", "--latency", "20ms..80ms")) {
      warmUp(sb);
      Path m = manifest("s2", n, 1, "s2");
      Slice before = sb.slice();
      Run r = provision("s2", m, sb, List.of(),
          List.of("--concurrency", "64", "--rate", "50", "--burst", "1"), null);
      Starts st = sb.startsSince(before);
      double secs = st.spanFromFirstRequest() + 0.050; // first request to last answer (mean latency)
      double rate = n / secs;
      int max = st.maxInOneSecond();
      rows.add(new Row("2 rate-bound, java -jar", n, 64, "50 burst 1", "20..80ms", rate, 50, rate / 50, r.cpuMs / n,
          r.peakHeapMb, startToFirstRequest(st, r), max + " of 51", check(r,
              "ratio >= 0.98: " + ok(rate / 50 >= 0.98) + "; most starts in 1 s <= 51: " + ok(max <= 51)
                  + "; creates in its first second: " + st.inFirstSecond() + startNote(st, r, false))));
    }
  }

  /**
   * The sandbox's own warm-up (its JIT), so that a ratio measured from the first request, cold
   * start included, is the provisioner's cold start and not the server's: 2,000 creates of the
   * node loop into a space of their own. Not measured.
   */
  static void warmUp(Sandbox sb) throws Exception {
    if (hasNode()) {
      loop(sb, "warm", 2_000);
    }
  }

  /** (3) latency 0, C=64, no rate: beside the plain keep-alive loop, against the same server. */
  static void besideThePlainLoop() throws Exception {
    int n = items(50_000);
    boolean node = hasNode();
    try (Sandbox sb = Sandbox.start("s3", "2g", "--latency", "0ms")) {
      Loop a = null;
      Loop b = null;
      if (node) {
        // the server's own warm-up, not measured: its optimising compiler needs some 150,000
        // creates before a loop's rate settles (5,900/s on the first 50,000, 14,000/s later)
        for (int w = 0; w < 3; w++) {
          loop(sb, "warm" + w, n);
        }
        a = loop(sb, "loop-a", n);
      }
      Path m = manifest("s3", n, 1, "s3");
      Slice before = sb.slice();
      Run r = provision("s3", m, sb, List.of(), List.of("--concurrency", "64", "--rate", "0"), null);
      Starts st = sb.startsSince(before);
      double rate = n / st.span();
      Run rl = null;
      Starts stl = null;
      if (launcher != null) {
        Path ml = manifest("s3l", n, 1, "s3l");
        Slice beforeL = sb.slice();
        rl = provision("s3l", ml, sb, List.of(), List.of("--concurrency", "64", "--rate", "0"), null, true);
        stl = sb.startsSince(beforeL);
      }
      if (node) {
        b = loop(sb, "loop-b", n);
      }
      Loop netty = javaLoop("NettyLoop", sb, "netty-loop", n);
      Loop raw = javaLoop("RawNettyLoop", sb, "raw-netty-loop", n);
      double loopRate = node ? (a.rate + b.rate) / 2 : Double.NaN;
      double loopCpu = node ? (a.cpuMs + b.cpuMs) / 2 / n : Double.NaN;
      double cpu = r.cpuMs / n;
      rows.add(new Row("3 beside the loop, java -jar", n, 64, "none", "0", rate, Double.NaN, rate / loopRate, cpu,
          r.peakHeapMb, startToFirstRequest(st, r), st.maxInOneSecond() + "", check(r, node
              ? "ratio = of the loop; >= 0.6: " + ok(rate / loopRate >= 0.6) + "; CPU <= 0.15 ms: " + ok(cpu <= 0.15)
                  + String.format(Locale.ROOT, "; CPU %.1fx the loop's", cpu / loopCpu)
              : "node not found: no yardstick")));
      if (rl != null) {
        double ratel = n / stl.span();
        double cpul = rl.cpuMs / n;
        rows.add(new Row("3 beside the loop, bin/provisioner", n, 64, "none", "0", ratel, Double.NaN, ratel / loopRate,
            cpul, rl.peakHeapMb, startToFirstRequest(stl, rl), stl.maxInOneSecond() + "", check(rl, node
                ? "ratio = of the loop; >= 0.6: " + ok(ratel / loopRate >= 0.6) + "; CPU <= 0.15 ms: " + ok(cpul <= 0.15)
                    + String.format(Locale.ROOT, "; CPU %.1fx the loop's", cpul / loopCpu)
                : "node not found: no yardstick")));
      }
      if (netty != null) {
        rows.add(new Row("3 plain loop on Reactor Netty (Java)", n, 64, "none", "0", netty.rate, Double.NaN,
            netty.rate / loopRate, netty.cpuMs / n, Double.NaN, Double.NaN, "",
            "bench/NettyLoop.java: Reactor Netty's HttpClient, which the client left; ratio = of the node loop"));
      }
      if (raw != null) {
        rows.add(new Row("3 plain loop on Netty alone (Java)", n, 64, "none", "0", raw.rate, Double.NaN,
            raw.rate / loopRate, raw.cpuMs / n, Double.NaN, Double.NaN, "",
            "bench/RawNettyLoop.java: Netty alone, as our client, with nothing of ours; ratio = of the node loop"));
      }
      if (node) {
        rows.add(new Row("3 plain loop (node)", n, 64, "none", "0", loopRate, Double.NaN, Double.NaN, loopCpu,
            Double.NaN, Double.NaN, "", String.format(Locale.ROOT, "runs before and after: %.0f/s, %.0f/s", a.rate,
                b.rate)));
      }
    }
  }

  /** (4) 1,000,000 items at latency 0 in -Xmx256m: heap flat, the last tenth as fast as the middle. */
  static void millionInSmallHeap() throws Exception {
    int n = items(1_000_000);
    try (Sandbox sb = Sandbox.start("s4", "3g", "--latency", "0ms")) {
      Path m = manifest("s4", n, 1, "s4");
      Slice before = sb.slice();
      Run r = provision("s4", m, sb, List.of("-Xmx256m"), List.of("--concurrency", "64", "--rate", "0"), null);
      Starts st = sb.startsSince(before);
      double rate = n / st.span();
      double middle = (st.tenthRate(4) + st.tenthRate(5)) / 2;
      double last = st.tenthRate(9);
      double runSecs = (r.endNanos - r.spawnNanos) / 1e9;
      double heapMiddle = r.maxAfterGc(0.4 * runSecs, 0.6 * runSecs);
      double heapLast = r.maxAfterGc(0.9 * runSecs, runSecs);
      boolean flat = !Double.isNaN(heapMiddle) && !Double.isNaN(heapLast) && heapLast <= heapMiddle * 1.1 + 8;
      rows.add(new Row("4 a million in 256 MB, java -jar", n, 64, "none", "0", rate, Double.NaN, Double.NaN, r.cpuMs / n,
          r.peakHeapMb, startToFirstRequest(st, r), st.maxInOneSecond() + "", check(r, String.format(Locale.ROOT,
              "last tenth %.0f/s = %.2f of the middle's %.0f/s (>= 0.9: %s); live heap after GC middle %.0f MB, "
                  + "last tenth %.0f MB (flat: %s); creates/s by tenth: %s", last, last / middle, middle,
              ok(last / middle >= 0.9), heapMiddle, heapLast, ok(flat), st.tenths()))));
    }
  }

  /**
   * (5) soak: every sandbox fault at 1% at once, three {@code kill -9} of the jar mid-run and
   * resumes on the same ledger; then the sandbox's record must show every item created exactly once.
   */
  static void soak() throws Exception {
    int n = items(20_000);
    int spaces = 10;
    try (Sandbox sb = Sandbox.start("s5", "1g", "--latency", "5ms..30ms", "--fault-rate", "0.09", "--hold", "1s",
        "--seed", "7")) {
      Path m = manifest("s5", n, spaces, "soak");
      Path ledger = work.resolve("s5.ledger.csv");
      List<String> args = List.of("--concurrency", "32", "--rate", "0", "--settle-delay", "2s",
          "--request-timeout", "10s");
      double cpu = 0;
      double peakHeap = 0;
      double firstStart = Double.NaN;
      int runs = 0;
      int kills = 0;
      int exit = -1;
      long t0 = System.nanoTime();
      for (double at : new double[] {0.2, 0.45, 0.7}) {
        long killAt = (long) (at * n);
        Slice before = runs == 0 ? sb.slice() : null;
        Run r = provision("s5", m, sb, List.of(), args, p -> {
          while (p.isAlive() && ledgerRecords(ledger) < killAt) {
            sleep(50);
          }
          if (p.isAlive()) {
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, the lock left behind
          }
        });
        cpu += r.cpuMs;
        peakHeap = Math.max(peakHeap, r.peakHeapMb);
        if (before != null) {
          firstStart = startToFirstRequest(sb.startsSince(before), r);
        }
        runs++;
        kills += r.exit == 137 ? 1 : 0;
      }
      while (runs < 8 && (exit != 0 && exit != 2)) {
        Run r = provision("s5", m, sb, List.of(), args, null);
        cpu += r.cpuMs;
        peakHeap = Math.max(peakHeap, r.peakHeapMb);
        runs++;
        exit = r.exit;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      sleep(1_500); // a held create of the last run lands within --hold
      Map<String, Object> stats = sb.stats(false);
      @SuppressWarnings("unchecked")
      Map<String, Object> byKey = (Map<String, Object>) stats.get("createsByKey");
      int duplicates = 0;
      int lost = 0;
      for (int i = 0; i < n; i++) {
        Object c = byKey.get("soak-" + i);
        long count = c == null ? 0 : ((Number) c).longValue();
        if (count == 0) {
          lost++;
        } else if (count > 1) {
          duplicates++;
        }
      }
      Map<String, Integer> outcomes = ledgerOutcomes(ledger);
      @SuppressWarnings("unchecked")
      Map<String, Object> faults = (Map<String, Object>) stats.get("faults");
      long injected = faults.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
      rows.add(new Row("5 soak, java -jar", n, 32, "none", "5..30ms", n / secs, Double.NaN, Double.NaN, cpu / n,
          peakHeap, firstStart, stats.get("maxStartsInOneSecond") + "", String.format(Locale.ROOT,
              "%d kill -9, %d runs, last exit %d; %d faults injected; duplicates %d, lost %d (%s); ledger %s", kills,
              runs, exit, injected, duplicates, lost, ok(duplicates == 0 && lost == 0 && kills == 3), outcomes)));
    }
  }

  // ------------------------------------------------------------------ the provisioner and the loop

  record Run(int exit, double cpuMs, long spawnNanos, long endNanos, double peakHeapMb, List<double[]> gc) {
    /** The most heap left after a GC between {@code from} and {@code to} seconds of uptime. */
    double maxAfterGc(double from, double to) {
      return gc.stream().filter(g -> g[0] >= from && g[0] <= to).mapToDouble(g -> g[2]).max().orElse(Double.NaN);
    }
  }

  static Run provision(String name, Path manifest, Sandbox sb, List<String> jvm, List<String> args,
      Consumer<Process> whileRunning) throws Exception {
    return provision(name, manifest, sb, jvm, args, whileRunning, false);
  }

  /** A run of the provisioner, with {@code java -jar} or through bin/provisioner. */
  static Run provision(String name, Path manifest, Sandbox sb, List<String> jvm, List<String> args,
      Consumer<Process> whileRunning, boolean viaLauncher) throws Exception {
    Path gcLog = work.resolve(name + ".gc.log");
    Files.deleteIfExists(gcLog);
    List<String> opts = new ArrayList<>(extraJvm);
    opts.addAll(jvm);
    opts.add("-Xlog:gc,gc+heap+exit:file=" + gcLog + ":uptime");
    List<String> cmd = new ArrayList<>();
    if (viaLauncher) {
      cmd.add(launcher.toString());
    } else {
      cmd.add(java);
      cmd.addAll(opts);
      cmd.addAll(List.of("-jar", jar.toString()));
    }
    cmd.addAll(List.of("run", manifest.toString(), "--base-url", sb.base, "--ledger",
        work.resolve(name + ".ledger.csv").toString(), "--quiet"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".out").toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".err").toFile()));
    pb.environment().put("BCTRL_API_KEY", KEY);
    if (viaLauncher) {
      launcherEnv(pb);
      pb.environment().put("PROVISIONER_JAVA_OPTS", String.join(" ", opts));
    }
    long cpu0 = childCpuTicks();
    long spawn = System.nanoTime();
    Process p = pb.start();
    if (whileRunning != null) {
      whileRunning.accept(p);
    }
    int exit = p.waitFor();
    long end = System.nanoTime();
    long cpu1 = childCpuTicks();
    List<double[]> gc = new ArrayList<>();
    double peak = 0;
    if (Files.exists(gcLog)) {
      for (String line : Files.readAllLines(gcLog)) {
        Matcher g = GC_PAUSE.matcher(line);
        if (g.find()) {
          double[] e = {Double.parseDouble(g.group(1)), Double.parseDouble(g.group(2)), Double.parseDouble(g.group(3))};
          gc.add(e);
          peak = Math.max(peak, e[1]);
        }
        Matcher x = GC_EXIT.matcher(line);
        if (x.find()) {
          peak = Math.max(peak, Long.parseLong(x.group(2)) / 1024.0);
        }
      }
    }
    if (exit != 0 && exit != 137 && !(exit == 2 && name.equals("s5"))) { // the soak's "failed" fault ends unhealthy
      notes.add(name + ": the provisioner exited " + exit + "; see " + work.resolve(name + ".err"));
    }
    return new Run(exit, (cpu1 - cpu0) * 1000.0 / ticksPerSecond(), spawn, end, peak == 0 ? Double.NaN : peak, gc);
  }

  record Loop(double rate, double cpuMs) {}

  static Loop loop(Sandbox sb, String prefix, int n) throws Exception {
    return loop(sb, prefix, n, 64);
  }

  static Loop loop(Sandbox sb, String prefix, int n, int c) throws Exception {
    Path script = Path.of(System.getProperty("bench.dir", "bench"), "loop.js").toAbsolutePath();
    Slice before = sb.slice();
    long cpu0 = childCpuTicks();
    Process p = new ProcessBuilder("node", script.toString(), sb.base, KEY, "sp-" + prefix, "" + n, "" + c, prefix)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int exit = p.waitFor();
    long cpu1 = childCpuTicks();
    if (exit != 0 || !out.contains("\"errors\":0")) {
      notes.add("loop " + prefix + ": exit " + exit + ", " + out);
    }
    Starts st = sb.startsSince(before);
    return new Loop(n / st.span(), (cpu1 - cpu0) * 1000.0 / ticksPerSecond());
  }

  /**
   * A Java loop of bench/ on the jar's classes, compiled first (javac's own time is not counted):
   * NettyLoop, the same loop on Reactor Netty's HttpClient (the client's stack before it moved onto
   * Netty alone), or RawNettyLoop, on Netty alone, as the client now is. {@code null} when it cannot run.
   */
  static Loop javaLoop(String name, Sandbox sb, String prefix, int n) throws Exception {
    Path src = Path.of(System.getProperty("bench.dir", "bench"), name + ".java").toAbsolutePath();
    Path classes = work.resolve("classes");
    Files.createDirectories(classes);
    String javac = Path.of(System.getProperty("java.home"), "bin", "javac").toString();
    if (new ProcessBuilder(javac, "-d", classes.toString(), "-cp", jar.toString(), src.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("javac.out").toFile()).start().waitFor() != 0) {
      notes.add(name + " did not compile; see " + work.resolve("javac.out"));
      return null;
    }
    Slice before = sb.slice();
    long cpu0 = childCpuTicks();
    Process p = new ProcessBuilder(java, "-cp", jar + ":" + classes, name, sb.base, KEY,
        "sp-" + prefix, "" + n, "64", prefix).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int exit = p.waitFor();
    long cpu1 = childCpuTicks();
    if (exit != 0 || !out.contains("\"errors\":0")) {
      notes.add(name + ": exit " + exit + ", " + out);
    }
    Starts st = sb.startsSince(before);
    return new Loop(n / st.span(), (cpu1 - cpu0) * 1000.0 / ticksPerSecond());
  }

  // ------------------------------------------------------------------ the sandbox

  /** Where the sandbox's start times stood before a run, so that the run's own can be cut out. */
  record Slice(long createRequests, long listRequests) {}

  /**
   * Create start times (monotonic nanos, the same clock as {@link System#nanoTime()}) of one run,
   * sorted, and its first request: its first listing (a run lists a space before its first create
   * there), or its first create.
   */
  record Starts(long[] t, long firstRequest) {
    long first() {
      return t.length == 0 ? 0 : t[0];
    }

    double span() {
      return t.length < 2 ? Double.NaN : (t[t.length - 1] - t[0]) / 1e9;
    }

    /** Seconds from the first request to the last create's start. */
    double spanFromFirstRequest() {
      return t.length == 0 ? Double.NaN : (t[t.length - 1] - firstRequest) / 1e9;
    }

    int maxInOneSecond() {
      int max = 0;
      for (int i = 0, j = 0; i < t.length; i++) {
        while (j < t.length && t[j] < t[i] + 1_000_000_000L) {
          j++;
        }
        max = Math.max(max, j - i);
      }
      return max;
    }

    /** Starts in each of the first {@code k} seconds from the first, e.g. "120/290/318". */
    String firstSeconds(int k) {
      int[] c = new int[k];
      for (long x : t) {
        int sec = (int) ((x - t[0]) / 1_000_000_000L);
        if (sec < k) {
          c[sec]++;
        }
      }
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < k; i++) {
        b.append(i == 0 ? "" : "/").append(c[i]);
      }
      return b.toString();
    }

    int inFirstSecond() {
      int k = 0;
      while (k < t.length && t[k] < t[0] + 1_000_000_000L) {
        k++;
      }
      return k;
    }

    /** Creates per second in each tenth of the starts, e.g. "5.1k/5.6k/...". */
    String tenths() {
      StringBuilder b = new StringBuilder();
      for (int k = 0; k < 10; k++) {
        b.append(k == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.1fk", tenthRate(k) / 1000));
      }
      return b.toString();
    }

    /** Creates per second over the {@code k}th tenth of the starts (0-based). */
    double tenthRate(int k) {
      int from = (int) ((long) t.length * k / 10);
      int to = (int) ((long) t.length * (k + 1) / 10) - 1;
      return to <= from ? Double.NaN : (to - from) / ((t[to] - t[from]) / 1e9);
    }
  }

  static final class Sandbox implements AutoCloseable {
    final Process process;
    final String base;

    private Sandbox(Process process, String base) {
      this.process = process;
      this.base = base;
    }

    static Sandbox start(String name, String heap, String... options) throws Exception {
      Path log = work.resolve(name + ".sandbox.log");
      Files.deleteIfExists(log);
      List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-jar", jar.toString(), "sandbox", "--port", "0",
          "--api-key", KEY));
      cmd.addAll(List.of(options));
      if (!cmd.contains("--seed")) {
        cmd.addAll(List.of("--seed", "1"));
      }
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        String text = Files.exists(log) ? Files.readString(log) : "";
        Matcher m = LISTENING.matcher(text);
        if (m.find()) {
          return new Sandbox(p, m.group(1));
        }
        if (!p.isAlive()) {
          throw new IllegalStateException("the sandbox exited " + p.exitValue() + ": " + text);
        }
        sleep(50);
      }
      p.destroyForcibly();
      throw new IllegalStateException("the sandbox did not start within 60 s; see " + log);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> stats(boolean starts) throws Exception {
      HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/__sandbox/stats"
          + (starts ? "" : "?createStartNanos=false"))).timeout(Duration.ofSeconds(120)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() != 200) {
        throw new IllegalStateException("sandbox stats answered " + res.statusCode());
      }
      return (Map<String, Object>) new Json(res.body()).value();
    }

    Slice slice() throws Exception {
      Map<String, Object> st = stats(false);
      return new Slice(((Number) st.get("createRequests")).longValue(), ((Number) st.get("listRequests")).longValue());
    }

    @SuppressWarnings("unchecked")
    Starts startsSince(Slice before) throws Exception {
      Map<String, Object> st = stats(true);
      List<Object> all = (List<Object>) st.get("createStartNanos");
      List<Object> lists = (List<Object>) st.getOrDefault("listStartNanos", List.of());
      int from = (int) Math.min(before.createRequests, all.size());
      long[] t = new long[all.size() - from];
      for (int i = from; i < all.size(); i++) {
        t[i - from] = ((Number) all.get(i)).longValue();
      }
      Arrays.sort(t);
      long firstRequest = t.length == 0 ? Long.MAX_VALUE : t[0];
      for (int i = (int) Math.min(before.listRequests, lists.size()); i < lists.size(); i++) {
        firstRequest = Math.min(firstRequest, ((Number) lists.get(i)).longValue());
      }
      return new Starts(t, firstRequest == Long.MAX_VALUE ? 0 : firstRequest);
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  // ------------------------------------------------------------------ table

  record Row(String name, long items, int c, String rate, String latency, double perSec, double bound, double ratio,
      double cpuMs, double heapMb, double startS, String maxStarts, String check) {}

  static void printTable() {
    System.out.println();
    System.out.println("| scenario | items | C | rate | latency | creates/s | bound | ratio | CPU ms/create | peak heap MB "
        + "| JVM start to 1st request s | most starts in 1 s | checks |");
    System.out.println("| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "| %s | %,d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.name,
          r.items, r.c, r.rate, r.latency, f(r.perSec, 0), f(r.bound, 0), f(r.ratio, 3), f(r.cpuMs, 3),
          f(r.heapMb, 0), f(r.startS, 2), r.maxStarts.isEmpty() ? "n/a" : r.maxStarts, r.check);
    }
    System.out.flush();
  }

  /** Seconds from the JVM's spawn to the run's first request, as the server saw it. */
  static double startToFirstRequest(Starts st, Run r) {
    return st.firstRequest() == 0 ? Double.NaN : (st.firstRequest() - r.spawnNanos) / 1e9;
  }

  /** The start target's check: at most 0.6 s to the first request, and when the first create followed. */
  static String startNote(Starts st, Run r, boolean viaLauncher) {
    double s = startToFirstRequest(st, r);
    return String.format(Locale.ROOT, "; start to 1st request <= 0.6 s: %s (1st create at %.2f s)", ok(s <= 0.6),
        (st.first() - r.spawnNanos) / 1e9);
  }

  static String f(double v, int decimals) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  static String ok(boolean b) {
    return b ? "yes" : "NO";
  }

  static String check(Run r, String s) {
    return r.exit == 0 ? s : "exit " + r.exit + "; " + s;
  }

  // ------------------------------------------------------------------ machine and helpers

  static void machine() throws Exception {
    String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
        .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    System.out.printf(Locale.ROOT, "machine: %d cores (%s), %.0f GB; Java %s; node %s; jar %s%n",
        Runtime.getRuntime().availableProcessors(), model, memKb / 1024.0 / 1024.0, System.getProperty("java.version"),
        hasNode() ? run(List.of("node", "--version")).trim() : "absent", jar);
  }

  static void launcherEnv(ProcessBuilder pb) {
    pb.environment().put("PROVISIONER_JAR", jar.toString());
    pb.environment().put("PROVISIONER_CDS_DIR", work.resolve("cds").toString());
    pb.environment().put("JAVA", java);
  }

  /**
   * bin/provisioner's class-data archive, as its first use builds it: a small run against an
   * in-process sandbox writes it, the next start keeps it. Not measured.
   */
  static void buildLauncherArchive() throws Exception {
    Path m = work.resolve("cds-warm.csv");
    Files.writeString(m, "key,name,count\nw,w,50\n");
    for (List<String> args : List.of(List.of("run", "--sandbox", m.toString(), "--ledger",
        work.resolve("cds-warm.ledger.csv").toString(), "--quiet"), List.of("--version"))) {
      List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("cds.out").toFile()));
      launcherEnv(pb);
      pb.start().waitFor();
    }
    try (var files = Files.list(work.resolve("cds"))) {
      if (files.noneMatch(f -> f.getFileName().toString().endsWith(".jsa"))) {
        notes.add("bin/provisioner wrote no class-data archive; see " + work.resolve("cds.out"));
      }
    }
  }

  /** How long a JVM takes to do nothing, beside the provisioner's {@code --version}: the floor of "JVM start". */
  static void startYardstick() throws Exception {
    double bare = Double.MAX_VALUE;
    double version = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      run(List.of(java, "-version"));
      bare = Math.min(bare, (System.nanoTime() - t) / 1e9);
      t = System.nanoTime();
      run(List.of(java, "-jar", jar.toString(), "--version"));
      version = Math.min(version, (System.nanoTime() - t) / 1e9);
    }
    notes.add(String.format(Locale.ROOT, "JVM start yardstick (best of 3): java -version %.2f s; "
        + "java -jar provisioner.jar --version %.2f s", bare, version));
  }

  static double[] load() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
    return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
  }

  static int items(int n) {
    return Math.max(100, (int) Math.round(n * scale));
  }

  static boolean hasNode() {
    try {
      return new ProcessBuilder("node", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  /** A CSV manifest of {@code n} rows over {@code spaces} spaces, keys {@code <prefix>-<i>}. */
  static Path manifest(String name, int n, int spaces, String prefix) throws IOException {
    Path m = work.resolve(name + ".csv");
    String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    try (Writer w = Files.newBufferedWriter(m)) {
      w.write("spaceId,key,name,config.stealth\n");
      for (int i = 0; i < n; i++) {
        w.write("sp-" + name + "-" + run + "-" + (i % spaces) + "," + prefix + "-" + i + ",rt-" + i + ",high\n");
      }
    }
    Files.deleteIfExists(work.resolve(name + ".ledger.csv"));
    Files.deleteIfExists(work.resolve(name + ".ledger.csv.lock"));
    return m;
  }

  /** CPU ticks of this process's waited-for children: the kernel adds a child's when it is reaped. */
  static long childCpuTicks() throws IOException {
    String s = Files.readString(Path.of("/proc/self/stat"));
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[13]) + Long.parseLong(f[14]); // cutime, cstime (fields 16 and 17)
  }

  static long ticksPerSecond() {
    return 100; // USER_HZ on Linux
  }

  static long ledgerRecords(Path ledger) {
    try {
      if (!Files.exists(ledger)) {
        return 0;
      }
      byte[] b = Files.readAllBytes(ledger);
      long lines = 0;
      for (byte x : b) {
        if (x == '\n') {
          lines++;
        }
      }
      return Math.max(0, lines - 1);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Outcomes of the ledger's last record per key. */
  static Map<String, Integer> ledgerOutcomes(Path ledger) throws IOException {
    Map<String, String> last = new HashMap<>();
    List<String> lines = Files.readAllLines(ledger);
    for (String line : lines.subList(1, lines.size())) {
      List<String> f = csv(line);
      if (f.size() > 4) {
        last.put(f.get(0), f.get(4));
      }
    }
    Map<String, Integer> out = new java.util.TreeMap<>();
    last.values().forEach(o -> out.merge(o, 1, Integer::sum));
    return out;
  }

  static List<String> csv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean q = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (q) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"') {
          q = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        q = true;
      } else if (ch == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    out.add(cur.toString());
    return out;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Just enough JSON for the sandbox's stats: objects, arrays, strings, numbers, literals. */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      ws();
      char c = s.charAt(i);
      switch (c) {
        case '{': {
          Map<String, Object> m = new LinkedHashMap<>();
          i++;
          ws();
          if (s.charAt(i) == '}') {
            i++;
            return m;
          }
          while (true) {
            ws();
            String k = string();
            ws();
            i++; // ':'
            m.put(k, value());
            ws();
            if (s.charAt(i++) == '}') {
              return m;
            }
          }
        }
        case '[': {
          List<Object> l = new ArrayList<>();
          i++;
          ws();
          if (s.charAt(i) == ']') {
            i++;
            return l;
          }
          while (true) {
            l.add(value());
            ws();
            if (s.charAt(i++) == ']') {
              return l;
            }
          }
        }
        case '"':
          return string();
        case 't':
          i += 4;
          return Boolean.TRUE;
        case 'f':
          i += 5;
          return Boolean.FALSE;
        case 'n':
          i += 4;
          return null;
        default: {
          int start = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          String num = s.substring(start, i);
          return num.contains(".") || num.contains("e") || num.contains("E") ? (Object) Double.parseDouble(num)
              : (Object) Long.parseLong(num);
        }
      }
    }

    private String string() {
      StringBuilder b = new StringBuilder();
      i++; // '"'
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'r' -> b.append('\r');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }
  }
}
