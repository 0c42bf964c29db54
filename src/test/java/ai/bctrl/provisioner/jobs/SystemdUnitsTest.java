package ai.bctrl.provisioner.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systemd service and timer: hardened, key through LoadCredential, stop timeout above --grace. */
class SystemdUnitsTest {
  private static final Path SERVICE = Tools.JOBS.resolve("systemd/provisioner-nightly.service");
  private static final Path TIMER = Tools.JOBS.resolve("systemd/provisioner-nightly.timer");
  private static final Path DEFINITION = Tools.JOBS.resolve("examples/nightly.env");

  private final UnitFile service = UnitFile.parse(SERVICE);
  private final UnitFile timer = UnitFile.parse(TIMER);
  private final Map<String, String> definition = JobDefinitionFile.parse(DEFINITION);

  @Test
  void theServiceRunsTheWrapperOnceWithTheExampleDefinition() {
    assertThat(service.get("Service", "Type")).isEqualTo("oneshot");
    assertThat(service.get("Service", "ExecStart"))
        .isEqualTo("/opt/provisioner/jobs/nightly.sh /etc/provisioner/nightly.env");
    assertThat(service.all("Unit", "After")).contains("network-online.target");
  }

  @Test
  void theServiceRunsAsAnUnprivilegedUserInAReadOnlySystem() {
    boolean dynamic = "yes".equals(service.get("Service", "DynamicUser"));
    String user = service.get("Service", "User");
    assertThat(dynamic || (user != null && !user.equals("root") && !user.equals("0")))
        .as("DynamicUser=yes or a dedicated user, not root").isTrue();
    assertThat(service.get("Service", "NoNewPrivileges")).isEqualTo("yes");
    assertThat(service.get("Service", "ProtectSystem")).isEqualTo("strict");
    assertThat(service.get("Service", "ProtectHome")).isEqualTo("yes");
    assertThat(service.get("Service", "PrivateTmp")).isEqualTo("yes");
    assertThat(service.get("Service", "CapabilityBoundingSet")).isEmpty();
    assertThat(service.get("Service", "MemoryDenyWriteExecute")).as("the JVM's JIT needs W+X memory").isNull();
  }

  @Test
  void onlyTheLedgerAndMetricsDirectoriesAreWritable() {
    String stateDir = "/var/lib/" + service.get("Service", "StateDirectory");
    List<String> writable = service.all("Service", "ReadWritePaths").stream()
        .flatMap(v -> List.of(v.split("\\s+")).stream()).toList();
    assertThat(definition.get("LEDGER_DIR")).as("LEDGER_DIR is the StateDirectory").isEqualTo(stateDir);
    assertThat(writable).containsExactly(definition.get("METRICS_DIR"));
  }

  @Test
  void theKeyComesThroughLoadCredentialAsAFile() {
    assertThat(service.all("Service", "LoadCredential")).containsExactly("api-key:/etc/provisioner/api-key");
    assertThat(service.all("Service", "Environment")).containsExactly("API_KEY_FILE=%d/api-key");
    assertThat(Tools.read(SERVICE)).doesNotContain("BCTRL_API_KEY");
  }

  @Test
  void stopIsASigtermForwardedByTheWrapperWithMoreTimeThanTheGrace() {
    assertThat(service.get("Service", "KillSignal")).isEqualTo("SIGTERM");
    assertThat(service.get("Service", "KillMode")).isEqualTo("mixed");
    assertThat(Tools.duration(service.get("Service", "TimeoutStopSec")))
        .isGreaterThan(Tools.duration(definition.get("GRACE")).plusSeconds(10));
  }

  @Test
  void theTimerRunsNightlyCatchesUpMissedRunsAndSpreadsStarts() {
    assertThat(timer.get("Timer", "OnCalendar")).isEqualTo("*-*-* 01:30:00 UTC");
    assertThat(timer.get("Timer", "Persistent")).isEqualTo("true");
    assertThat(Tools.duration(timer.get("Timer", "RandomizedDelaySec"))).isPositive();
    assertThat(timer.get("Timer", "Unit")).isEqualTo(SERVICE.getFileName().toString());
    assertThat(timer.all("Install", "WantedBy")).containsExactly("timers.target");
  }

  @Test
  void systemdAcceptsBothUnits(@TempDir Path dir) throws IOException {
    Tools.assumeAvailable("systemd-analyze");
    // verify checks that ExecStart exists: point it at this checkout's wrapper
    Path svc = dir.resolve(SERVICE.getFileName());
    Files.writeString(svc, Tools.read(SERVICE).replace("/opt/provisioner/jobs/nightly.sh", Tools.JOBS.resolve("nightly.sh").toString()));
    Path tmr = Files.copy(TIMER, dir.resolve(TIMER.getFileName()));

    Tools.Output out = Tools.run(List.of("systemd-analyze", "verify", svc.toString(), tmr.toString()), dir);

    // systemd-analyze exits 0 on unknown directives but reports them: any output is a finding
    assertThat(out.text()).as("systemd-analyze verify").isEmpty();
    assertThat(out.exitCode()).isZero();
  }

  @Test
  void systemdAnalyzeWouldReportAMisspelledDirective(@TempDir Path dir) throws IOException {
    Tools.assumeAvailable("systemd-analyze");
    Path svc = dir.resolve("typo.service");
    Files.writeString(svc, "[Service]\nType=oneshot\nExecStart=/bin/true\nProtectSytem=strict\n");

    Tools.Output out = Tools.run(List.of("systemd-analyze", "verify", svc.toString()), dir);

    assertThat(out.text()).contains("Unknown key 'ProtectSytem'");
  }
}
