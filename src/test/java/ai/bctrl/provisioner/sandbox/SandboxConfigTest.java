package ai.bctrl.provisioner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxConfigTest {

  @Test
  void parsesAFaultSpecIntoSharesPerKind() {
    assertThat(SandboxConfig.parseFaults("503=0.05, reset-after=0.02,failed=0"))
        .containsExactly(
            Map.entry(FaultKind.HTTP_503, 0.05), Map.entry(FaultKind.RESET_AFTER, 0.02), Map.entry(FaultKind.FAILED, 0.0));
    assertThat(SandboxConfig.parseFaults("")).isEmpty();
    assertThat(SandboxConfig.parseFaults("none")).isEmpty();
    assertThat(SandboxConfig.parseFaults(
            "503=0.05,500=0.02,502=0.02,429=0.02,reset-before=0.01,reset-after=0.02,hold=0.01,truncate=0.01,failed=0.01"))
        .hasSize(9);
  }

  @Test
  void rejectsABadFaultSpecWithOneLineNamingThePart() {
    assertThatThrownBy(() -> SandboxConfig.parseFaults("504=0.1"))
        .hasMessage("--faults: unknown fault kind \"504\"; kinds are 503, 500, 502, 429, reset-before, reset-after, hold, truncate, failed");
    assertThatThrownBy(() -> SandboxConfig.parseFaults("503"))
        .hasMessage("--faults: expected KIND=SHARE like 503=0.05, got \"503\"");
    assertThatThrownBy(() -> SandboxConfig.parseFaults("503=lots"))
        .hasMessage("--faults: share of 503 must be a number 0..1, got \"lots\"");
    assertThatThrownBy(() -> SandboxConfig.parseFaults("503=1.5"))
        .hasMessage("--faults: share of 503 must be a number 0..1, got \"1.5\"");
    assertThatThrownBy(() -> SandboxConfig.parseFaults("503=0.1,503=0.2"))
        .hasMessage("--faults: fault kind 503 is given twice");
    assertThatThrownBy(() -> SandboxConfig.parseFaults("503=0.6,500=0.6"))
        .hasMessage("--faults: shares must add up to at most 1 but add up to 1.2");
  }

  @Test
  void parsesARateScheduleIntoStepsFromTheServersStart() {
    assertThat(SandboxConfig.parseRateSchedule("60@0s,20@30s, 60@1m,0.5@90500ms"))
        .containsExactly(
            new SandboxConfig.RateStep(Duration.ZERO, 60),
            new SandboxConfig.RateStep(Duration.ofSeconds(30), 20),
            new SandboxConfig.RateStep(Duration.ofSeconds(60), 60),
            new SandboxConfig.RateStep(Duration.ofMillis(90_500), 0.5));
    assertThat(SandboxConfig.parseRateSchedule("0@10s")).containsExactly(new SandboxConfig.RateStep(Duration.ofSeconds(10), 0));
    assertThat(SandboxConfig.parseRateSchedule("")).isEmpty();
    assertThat(SandboxConfig.parseRateSchedule("none")).isEmpty();
    assertThat(SandboxConfig.parseRateSchedule("60@0s,20@30s,60@60s").toString()).isEqualTo("[60@0s, 20@30s, 60@60s]");
  }

  @Test
  void rejectsABadRateScheduleWithOneLineNamingThePart() {
    assertThatThrownBy(() -> SandboxConfig.parseRateSchedule("60@0s,20"))
        .hasMessage("--rate-schedule: expected RATE@TIME like 20@30s, got \"20\"");
    assertThatThrownBy(() -> SandboxConfig.parseRateSchedule("60@0s,"))
        .hasMessage("--rate-schedule: expected RATE@TIME like 20@30s, got \"\"");
    assertThatThrownBy(() -> SandboxConfig.parseRateSchedule("fast@0s"))
        .hasMessage("--rate-schedule: rate must be a number >= 0, got \"fast\" in \"fast@0s\"");
    assertThatThrownBy(() -> SandboxConfig.parseRateSchedule("-1@0s"))
        .hasMessage("--rate-schedule: rate must be a number >= 0, got \"-1\" in \"-1@0s\"");
    assertThatThrownBy(() -> SandboxConfig.parseRateSchedule("60@0s,20@soon"))
        .hasMessage("--rate-schedule: time must be a duration like 30s, got \"soon\" in \"20@soon\"");
    assertThatThrownBy(() -> SandboxConfig.parseRateSchedule("60@60s,20@30s"))
        .hasMessage("--rate-schedule: times must increase, but \"20@30s\" follows \"60@60s\"");
    assertThatThrownBy(() -> SandboxConfig.parseRateSchedule("60@30s,20@30s"))
        .hasMessage("--rate-schedule: times must increase, but \"20@30s\" follows \"60@30s\"");
    for (String bad : java.util.List.of("x", "@", "1@", "@1s", "1@1s,,2@2s", "NaN@1s", "Infinity@1s", "1@-1s", "1@1s@2s")) {
      assertThatThrownBy(() -> SandboxConfig.parseRateSchedule(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--rate-schedule: ")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void parsesALatencyRangeOrASingleLatency() {
    assertThat(SandboxConfig.parseLatency("200ms..2s"))
        .isEqualTo(new SandboxConfig.Latency(Duration.ofMillis(200), Duration.ofSeconds(2)));
    assertThat(SandboxConfig.parseLatency("0..0")).isEqualTo(new SandboxConfig.Latency(Duration.ZERO, Duration.ZERO));
    assertThat(SandboxConfig.parseLatency("100ms"))
        .isEqualTo(new SandboxConfig.Latency(Duration.ofMillis(100), Duration.ofMillis(100)));
    assertThatThrownBy(() -> SandboxConfig.parseLatency("2s..200ms"))
        .hasMessage("--latency: MAX must be >= MIN, got \"2s..200ms\"");
    assertThatThrownBy(() -> SandboxConfig.parseLatency("fast"))
        .hasMessage("--latency: expected MIN..MAX like 50ms..300ms, got \"fast\"");
  }

  @Test
  void defaultsAreTheContractsSandboxDefaults() {
    SandboxConfig c = SandboxConfig.builder().build();
    assertThat(c.port()).isEqualTo(8787);
    assertThat(c.apiKey()).isNull();
    assertThat(c.latencyMin()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.latencyMax()).isEqualTo(Duration.ofMillis(300));
    assertThat(c.rate()).isZero();
    assertThat(c.effectiveFaults()).isEmpty();
    assertThat(c.hold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxActive()).isNull();
    assertThat(c.idempotency()).isFalse();
    assertThat(c.seed()).isNull();
    assertThat(c.pageSize()).isEqualTo(100);
    assertThat(c.noList()).isFalse();
  }

  @Test
  void spreadsTheFaultRateOverTheKindsTheSpecLeavesOut() {
    SandboxConfig c = SandboxConfig.builder().faultRate(0.09).faults(Map.of(FaultKind.HTTP_503, 0.5)).build();
    assertThat(c.effectiveFaults()).hasSize(9).containsEntry(FaultKind.HTTP_503, 0.5);
    assertThat(c.effectiveFaults().get(FaultKind.HOLD)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void buildNamesTheBadSetting() {
    assertThatThrownBy(() -> SandboxConfig.builder().port(70000).build()).hasMessage("port must be 0..65535 but was 70000");
    assertThatThrownBy(() -> SandboxConfig.builder().latency(Duration.ofMillis(5), Duration.ofMillis(1)).build())
        .hasMessage("latency max must be >= min (PT0.005S) but was PT0.001S");
    assertThatThrownBy(() -> SandboxConfig.builder().rate(-1, 1).build()).hasMessage("rate must be >= 0 but was -1.0");
    assertThatThrownBy(() -> SandboxConfig.builder().rate(5, 0).build()).hasMessage("burst must be >= 1 but was 0");
    assertThatThrownBy(() -> SandboxConfig.builder().faultRate(1.5).build()).hasMessage("fault rate must be 0..1 but was 1.5");
    assertThatThrownBy(() -> SandboxConfig.builder().faults(Map.of(FaultKind.HOLD, 0.9)).faultRate(0.9).build())
        .hasMessage("fault shares must add up to at most 1 but add up to 1.7");
    assertThatThrownBy(() -> SandboxConfig.builder().maxActive(-1).build()).hasMessage("max active must be >= 0 but was -1");
    assertThatThrownBy(() -> SandboxConfig.builder().pageSize(0).build()).hasMessage("page size must be 1..1000 but was 0");
    assertThatThrownBy(() -> SandboxConfig.builder().apiKey("has space").build())
        .hasMessage("api key must be 1..200 visible ASCII characters without spaces");
    assertThatThrownBy(() -> SandboxConfig.builder().hold(Duration.ofSeconds(-1)).build())
        .hasMessage("hold must be >= 0 but was PT-1S");
    assertThatThrownBy(() -> SandboxConfig.builder().rateSchedule(java.util.List.of(
            new SandboxConfig.RateStep(Duration.ofSeconds(60), 60), new SandboxConfig.RateStep(Duration.ofSeconds(30), 20)))
            .build())
        .hasMessage("rate schedule times must increase but step 2 (20@30s) follows step 1 (60@60s)");
    assertThatThrownBy(() -> SandboxConfig.builder().rateSchedule(java.util.List.of(
            new SandboxConfig.RateStep(Duration.ZERO, -2))).build())
        .hasMessage("rate schedule step 1 must have a rate >= 0 but was -2@0s");
  }

  @Test
  void toBuilderCopiesEverySetting() {
    SandboxConfig c = SandboxConfig.builder().port(0).apiKey("k").rate(3, 4).rateSchedule(SandboxConfig.parseRateSchedule("5@1s")).maxActive(2).idempotency(true).noList(true).seed(9L)
        .pageSize(7).faults(Map.of(FaultKind.FAILED, 0.1)).hold(Duration.ofSeconds(1)).build();
    SandboxConfig d = c.toBuilder().build();
    assertThat(d.port()).isZero();
    assertThat(d.apiKey()).isEqualTo("k");
    assertThat(d.rate()).isEqualTo(3);
    assertThat(d.burst()).isEqualTo(4);
    assertThat(d.rateSchedule()).containsExactly(new SandboxConfig.RateStep(Duration.ofSeconds(1), 5));
    assertThat(d.maxActive()).isEqualTo(2);
    assertThat(d.idempotency()).isTrue();
    assertThat(d.noList()).isTrue();
    assertThat(d.seed()).isEqualTo(9L);
    assertThat(d.pageSize()).isEqualTo(7);
    assertThat(d.faults()).isEqualTo(c.faults());
    assertThat(d.hold()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d).isEqualTo(c);
  }

  @Test
  void aConfigCannotBeChangedAfterItIsBuilt() {
    java.util.HashMap<FaultKind, Double> shares = new java.util.HashMap<>(Map.of(FaultKind.HTTP_503, 0.1));
    SandboxConfig.Builder b = SandboxConfig.builder().faults(shares);
    SandboxConfig c = b.build();
    shares.put(FaultKind.HTTP_500, 0.5);
    b.rate(9, 9);
    assertThat(c.faults()).containsExactly(Map.entry(FaultKind.HTTP_503, 0.1));
    assertThat(c.rate()).isZero();
    assertThatThrownBy(() -> c.faults().put(FaultKind.HOLD, 0.1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theRecordChecksItsSettingsEvenWithoutTheBuilder() {
    SandboxConfig c = SandboxConfig.builder().build();
    assertThatThrownBy(() -> new SandboxConfig(c.port(), c.apiKey(), c.latencyMin(), c.latencyMax(), c.rate(), 0,
            c.rateSchedule(), c.faults(), c.faultRate(), c.hold(), c.maxActive(), c.idempotency(), c.noList(), c.seed(), c.pageSize(), c.clock(),
            c.nanoTime(), c.scheduler()))
        .hasMessage("burst must be >= 1 but was 0");
  }

  @Test
  void startRefusesAPortInUseWithOneLine() {
    try (SandboxServer first = SandboxServer.start(SandboxConfig.builder().port(0).build())) {
      assertThatThrownBy(() -> SandboxServer.start(SandboxConfig.builder().port(first.port()).build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("sandbox cannot listen on 127.0.0.1:" + first.port() + ": ")
          .hasMessageEndingWith("; choose another --port (0 = any free port)");
    }
  }

  @Test
  void aRandomKeyAndSeedAreChosenWhenNoneIsGiven() {
    try (SandboxServer s = SandboxServer.start(SandboxConfig.builder().port(0).build())) {
      assertThat(s.apiKey()).matches("sbx_[0-9a-f]{32}");
      assertThat(s.banner()).contains("seed:     " + s.seed());
    }
  }
}
