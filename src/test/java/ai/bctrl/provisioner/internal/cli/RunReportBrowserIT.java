package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.internal.report.HtmlReport;
import ai.bctrl.provisioner.sandbox.FaultKind;
import ai.bctrl.provisioner.sandbox.SandboxConfig;
import ai.bctrl.provisioner.sandbox.SandboxServer;
import ai.bctrl.provisioner.sandbox.SandboxStats;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The run report of a real run, opened in a real browser: the jar provisions a shard of the sample
 * manifest against a faulty sandbox in this JVM with {@code --report} and {@code --summary}, then headless
 * Chromium loads the page from disk, runs its script and dumps the DOM.
 *
 * <p>Checked: the page's script ran to its end ({@code data-ready}) with no script error ({@code
 * data-errors}, set from {@code window.onerror}) and nothing written to the console (Chromium's
 * {@code --enable-logging=stderr} prints every console message, CSP violations included); no
 * request was even attempted: the page's Content-Security-Policy {@code default-src 'none'} blocks
 * any, and its {@code securitypolicyviolation} listener counts them in {@code data-blocked}; every
 * figure on the page equals the summary's, and the summary's equal the sandbox's record. A
 * screenshot is kept in {@code target/run-report-it/} (a build artifact, never committed).
 *
 * <p>Without Chromium (Debian: {@code apt-get install chromium}; {@code .ci/run} installs it) the
 * test is skipped and says why.
 */
class RunReportBrowserIT {
  static final String KEY = "sk_it_REPORT_SECRET_8c1e";
  static final String PROXY_PASSWORD = "pw-REPORT-SECRET-31";
  static final Duration LONG = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void theReportOfAFaultyRunRendersOfflineWithTheSummarysFigures() throws Exception {
    Path chromium = chromium().orElse(null);
    Assumptions.assumeTrue(chromium != null,
        "no Chromium on PATH (chromium, chromium-browser, google-chrome): install it with "
            + "'apt-get install -y chromium' to run this test; .ci/run does");

    SandboxStats stats;
    try (SandboxServer sandbox = SandboxServer.start(SandboxConfig.builder()
        .port(0)
        .apiKey(KEY)
        .latency(Duration.ofMillis(20), Duration.ofMillis(120))
        .faults(SandboxConfig.parseFaults("503=0.08,500=0.03,429=0.02,reset-before=0.02,reset-after=0.02,failed=0.01"))
        .seed(20261130L)
        .build())) {
      Files.copy(Path.of("sample-data", "runtimes.csv"), dir.resolve("runtimes.csv"));
      // a third of the sample (its rows, spaces and proxies, a third of its items) keeps the test short
      Process run = jar(sandbox, "runtimes.csv", "--shard", "0/3", "--rate", "100", "--burst", "10", "--concurrency", "16",
          "--settle-delay", "1s", "--quiet", "--summary", "summary.json", "--report", "report.html");
      assertThat(run.waitFor(LONG.toSeconds(), TimeUnit.SECONDS)).as("the run ends").isTrue();
      assertThat(run.exitValue()).as(text(dir.resolve("run.err"))).isIn(0, 2);
      stats = sandbox.stats();
    }

    JsonNode summary = JsonMapper.builder().build().readTree(text(dir.resolve("summary.json")));
    // the summary is the sandbox's record: every call counted, every runtime once
    assertThat(summary.get("attempts").asLong()).isEqualTo(stats.createRequests());
    assertThat(stats.duplicates()).isZero();
    long exist = Stream.of("created", "adopted", "unhealthy").mapToLong(o -> summary.get("outcomes").get(o).asLong()).sum();
    assertThat(exist).isEqualTo(stats.createsByKey().size());
    assertThat(stats.faults(FaultKind.HTTP_503) + stats.faults(FaultKind.HTTP_429)).as("a faulty run").isPositive();

    String page = text(dir.resolve("report.html"));
    assertThat(page).doesNotContain(KEY).doesNotContain(PROXY_PASSWORD);

    // one browser run: it loads the page from disk, runs its script, dumps the DOM, takes the screenshot
    Path shots = Files.createDirectories(Path.of("target", "run-report-it"));
    Path png = shots.resolve("report.png").toAbsolutePath();
    Files.deleteIfExists(png);
    Browser browser = browser(chromium, Files.createDirectories(dir.resolve("chromium-profile")),
        "--hide-scrollbars", "--window-size=1280,4000", "--screenshot=" + png, "--dump-dom", url());
    assertThat(browser.exit()).as(browser.stderr()).isZero();
    assertThat(head(png)).as("a PNG at %s", png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    Files.copy(dir.resolve("report.html"), shots.resolve("report.html"), StandardCopyOption.REPLACE_EXISTING);

    String html = browser.stdout();
    assertThat(attribute(html, "data-ready")).as("the page's script ran to its end").isEqualTo("1");
    assertThat(attribute(html, "data-errors")).as("script errors").isEqualTo("0");
    assertThat(attribute(html, "data-blocked")).as("requests the page tried (CSP blocks them)").isEqualTo("0");
    assertThat(browser.stderr().lines().filter(l -> l.contains(":CONSOLE")).toList()).as("console messages").isEmpty();

    for (Outcome o : Outcome.values()) {
      if (o.isTeardown()) {
        continue; // a teardown's outcomes: not on a run's page
      }
      assertThat(figure(html, "outcome-" + o.wire())).as(o.wire()).isEqualTo(summary.get("outcomes").get(o.wire()).asText());
    }
    assertThat(figure(html, "attempts")).isEqualTo(summary.get("attempts").asText());
    for (RetryCause c : RetryCause.values()) {
      String key = HtmlReport.retryKey(c);
      assertThat(figure(html, "retries-" + key)).as(key).isEqualTo(summary.get("retries").get(key).asText());
    }
    for (String p : List.of("p50", "p90", "p99", "max")) {
      assertThat(figure(html, "latency-" + p)).as(p).isEqualTo(summary.get("latencyMs").get(p).asText());
    }
    assertThat(figure(html, "already-done")).isEqualTo(summary.get("alreadyDone").asText());
    assertThat(figure(html, "exit-code")).isEqualTo(summary.get("exitCode").asText());
    assertThat(Long.parseLong(figure(html, "items-ended")))
        .isEqualTo(Stream.of(Outcome.values()).mapToLong(o -> summary.get("outcomes").get(o.wire()).asLong()).sum());
    assertThat(html).containsPattern("<svg[^>]*id=\"chart-calls\"[\\s\\S]*?<path ")
        .containsPattern("<svg[^>]*id=\"chart-retries\"[\\s\\S]*?<path ")
        .containsPattern("<svg[^>]*id=\"chart-histogram\"[\\s\\S]*?<rect ");
  }

  private String url() {
    return dir.resolve("report.html").toUri().toString();
  }

  private Process jar(SandboxServer sandbox, String... args) throws IOException {
    String jar = System.getProperty("provisioner.jar", "target/provisioner.jar");
    assertThat(new File(jar)).as("the fat jar (run with mvn verify)").exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-jar", new File(jar).getAbsolutePath()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(dir.resolve("run.out").toFile()).redirectError(dir.resolve("run.err").toFile());
    Map<String, String> env = pb.environment();
    env.remove("BCTRL_SPACE_ID");
    env.put("BCTRL_API_KEY", KEY);
    env.put("BCTRL_BASE_URL", sandbox.baseUrl().toString());
    env.put("PROXY_PASSWORD", PROXY_PASSWORD);
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  record Browser(int exit, String stdout, String stderr) {}

  /** Headless Chromium as the test's user (root on CI, hence no sandbox), isolated from any profile and network chatter. */
  private Browser browser(Path chromium, Path userData, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--user-data-dir=" + userData, "--enable-logging=stderr", "--v=0"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "chromium", ".out");
    Path err = Files.createTempFile(dir, "chromium", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(LONG.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("Chromium did not end within " + LONG + ": " + text(err));
    }
    return new Browser(p.exitValue(), text(out), text(err));
  }

  static Optional<Path> chromium() {
    String explicit = System.getenv("CHROMIUM");
    if (explicit != null && !explicit.isBlank()) {
      return Optional.of(Path.of(explicit));
    }
    for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
        Path p = Path.of(dirName.isEmpty() ? "." : dirName, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** The value of {@code name} on the root {@code <html>} element. */
  static String attribute(String html, String name) {
    Matcher m = Pattern.compile("<html[^>]*\\s" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(html);
    assertThat(m.find()).as("<html %s=...> in the DOM", name).isTrue();
    return m.group(1);
  }

  /** The text of the element with {@code id}, thousands separators dropped. */
  static String figure(String html, String id) {
    Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(html);
    assertThat(m.find()).as("an element with id %s", id).isTrue();
    return m.group(1).replace(",", "");
  }

  static String text(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The first bytes of a file. */
  static byte[] head(Path p) throws IOException {
    try (var in = Files.newInputStream(p)) {
      return in.readNBytes(8);
    }
  }
}
