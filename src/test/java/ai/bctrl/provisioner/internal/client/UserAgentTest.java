package ai.bctrl.provisioner.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The default User-Agent carries the build's version from the library's own resources. */
class UserAgentTest {

  @Test
  void theDefaultUserAgentNamesThePomVersion() {
    String version = System.getProperty("provisioner.version");
    assertThat(version).as("surefire passes the pom's version").isNotBlank();
    assertThat(BctrlClient.defaultUserAgent()).isEqualTo("provisioner/" + version);
  }
}
