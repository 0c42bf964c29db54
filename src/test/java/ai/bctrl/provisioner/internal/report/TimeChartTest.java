package ai.bctrl.provisioner.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimeChartTest {

  @Test
  void aLineWithGapsIsScaledToItsValues() { // a gap (no call ended) once made the whole axis 0..1
    String svg = new TimeChart("c", "ms", 1, 3).line("mean", "#000", new double[] {Double.NaN, 300, Double.NaN}).svg();
    assertThat(svg).contains(">300</text>").doesNotContain(">0.75</text>");
  }

  @Test
  void aQuietSeriesCostsAFewPointsHoweverLongTheRun() {
    double[] flat = new double[1800];
    java.util.Arrays.fill(flat, 4);
    String svg = new TimeChart("c", "calls/s", 1, 1800).stack("ok", "#000", flat).svg();
    String path = svg.substring(svg.indexOf(" d=\"") + 4, svg.indexOf("\"", svg.indexOf(" d=\"") + 4));
    assertThat(path.split("L")).hasSizeLessThanOrEqualTo(4);
  }

  @Test
  void niceCeilingsAndTimeSteps() {
    assertThat(TimeChart.niceCeiling(0)).isEqualTo(0.25);
    assertThat(TimeChart.niceCeiling(3.2)).isEqualTo(4);     // steps of 1
    assertThat(TimeChart.niceCeiling(21)).isEqualTo(25);     // steps of 5
    assertThat(TimeChart.niceCeiling(100)).isEqualTo(100);   // steps of 20
    assertThat(TimeChart.niceCeiling(105)).isEqualTo(125);   // steps of 25
    assertThat(TimeChart.niceCeiling(315)).isEqualTo(400);   // steps of 100
    assertThat(TimeChart.niceStep(125)).isEqualTo(25);
    assertThat(TimeChart.timeStep(20)).isEqualTo(5);
    assertThat(TimeChart.timeStep(3600)).isEqualTo(600);
    assertThat(Html.clock(95)).isEqualTo("1m35s");
    assertThat(Html.clock(3900)).isEqualTo("1h05m");
  }
}
