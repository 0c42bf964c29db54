package ai.bctrl.provisioner.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cron.d line: a valid schedule, an unprivileged user, the wrapper, no key in the file. */
class CrontabTest {
  private static final Path CRONTAB = Tools.JOBS.resolve("cron/provisioner.crontab");

  private static List<String> entries() {
    return Tools.read(CRONTAB).lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.matches("[A-Z_]+=.*")).toList();
  }

  @Test
  void hasOneNightlyEntryRunningTheWrapperAsTheProvisionerUser() {
    assertThat(entries()).hasSize(1);
    String[] f = entries().get(0).split("\\s+", 7);
    assertThat(f).hasSize(7);
    assertThat(Integer.parseInt(f[0])).isBetween(0, 59);
    assertThat(Integer.parseInt(f[1])).isBetween(0, 23);
    assertThat(List.of(f[2], f[3], f[4])).containsOnly("*");
    assertThat(f[5]).isEqualTo("provisioner");
    assertThat(f[6]).startsWith("/opt/provisioner/jobs/nightly.sh /etc/provisioner/nightly.env ");
    assertThat(f[6]).doesNotContain("%"); // cron turns % into a newline
  }

  @Test
  void theKeyIsAFileNeverAValue() {
    List<String> env = Tools.read(CRONTAB).lines().filter(l -> l.matches("[A-Z_]+=.*")).toList();
    assertThat(env).contains("API_KEY_FILE=/etc/provisioner/api-key")
        .noneMatch(l -> l.startsWith("BCTRL_API_KEY="));
  }
}
