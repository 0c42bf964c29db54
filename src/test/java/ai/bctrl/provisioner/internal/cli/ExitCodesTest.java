package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.internal.cli.ExitCodes.Stop;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void aCompleteRunExitsZero() {
    assertThat(ExitCodes.of(Stop.NONE, false, 0)).isZero();
  }

  @Test
  void itemsNotDoneExitTwo() {
    assertThat(ExitCodes.of(Stop.NONE, false, 1)).isEqualTo(2);
  }

  @Test
  void anEarlyStopOutranksItemsNotDone() {
    assertThat(ExitCodes.of(Stop.STOPPED, false, 5)).isEqualTo(3);
    assertThat(ExitCodes.of(Stop.STOPPED, false, 0)).isEqualTo(3);
  }

  @Test
  void signalsOutrankEverything() {
    assertThat(ExitCodes.of(Stop.SIGINT, true, 5)).isEqualTo(130);
    assertThat(ExitCodes.of(Stop.SIGTERM, true, 5)).isEqualTo(143);
    assertThat(ExitCodes.of(Stop.SIGTERM, false, 0)).isEqualTo(143);
  }

  @Test
  void aManifestBrokenMidRunOutranksAStopButNotASignal() {
    assertThat(ExitCodes.of(Stop.STOPPED, true, 5)).isEqualTo(65);
    assertThat(ExitCodes.of(Stop.NONE, true, 0)).isEqualTo(65);
  }
}
