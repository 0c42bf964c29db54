package ai.bctrl.provisioner.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.ledger.ResumeDecision.Action;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerStateTest {
  static LedgerState state(Map<String, Outcome> m) {
    return new LedgerState(Path.of("x.csv"), java.time.Instant.EPOCH, new HashMap<>(m), m.size(), null);
  }

  @Test
  void skipsDoneItemsAndProvisionsEverythingElse() {
    LedgerState s = state(Map.of("a", Outcome.CREATED, "b", Outcome.ADOPTED, "c", Outcome.FAILED,
        "d", Outcome.ABORTED, "e", Outcome.UNKNOWN, "f", Outcome.INVALID));
    assertThat(s.decide("a", false)).isEqualTo(new ResumeDecision(Action.SKIP_DONE, "a", Outcome.CREATED));
    assertThat(s.decide("b", false).action()).isEqualTo(Action.SKIP_DONE);
    for (String k : new String[] {"c", "d", "e", "f"}) {
      assertThat(s.decide(k, true).action()).isEqualTo(Action.PROVISION);
      assertThat(s.decide(k, true).key()).isEqualTo(k);
    }
    assertThat(s.decide("new", false)).isEqualTo(new ResumeDecision(Action.PROVISION, "new", null));
  }

  @Test
  void aLedgerIsInDoubtOnlyWhileSomeKeysLastOutcomeIsAborted() {
    assertThat(state(Map.of("a", Outcome.CREATED, "b", Outcome.UNKNOWN, "c", Outcome.FAILED)).hasAborted()).isFalse();
    assertThat(state(Map.of("a", Outcome.CREATED, "b", Outcome.ABORTED)).hasAborted()).isTrue();
  }

  @Test
  void keepsUnhealthyItemsUnlessAskedToReplaceThemUnderANewKey() {
    LedgerState s = state(Map.of("a", Outcome.UNHEALTHY, "b#3", Outcome.UNHEALTHY));
    assertThat(s.decide("a", false)).isEqualTo(new ResumeDecision(Action.KEEP_UNHEALTHY, "a", Outcome.UNHEALTHY));
    assertThat(s.decide("a", true)).isEqualTo(new ResumeDecision(Action.PROVISION, "a#r1", Outcome.UNHEALTHY));
    assertThat(s.decide("b#3", true).key()).isEqualTo("b#3#r1");
  }

  @Test
  void afterTeardownADeletedItemIsCreatedAnewAndAStoppedOneIsKeptOrReplaced() {
    LedgerState s = state(Map.of("d", Outcome.DELETED, "s", Outcome.STOPPED, "r", Outcome.UNHEALTHY,
        "r#r1", Outcome.DELETED));
    assertThat(s.decide("d", false)).isEqualTo(new ResumeDecision(Action.PROVISION, "d", Outcome.DELETED));
    assertThat(s.decide("s", false)).isEqualTo(new ResumeDecision(Action.KEEP_STOPPED, "s", Outcome.STOPPED));
    assertThat(s.decide("s", true)).isEqualTo(new ResumeDecision(Action.PROVISION, "s#r1", Outcome.STOPPED));
    assertThat(s.decide("r", true)).as("a deleted replacement is created anew under its key")
        .isEqualTo(new ResumeDecision(Action.PROVISION, "r#r1", Outcome.DELETED));
  }

  @Test
  void followsTheLatestReplacementOfAnItem() {
    LedgerState s = state(Map.of("a", Outcome.UNHEALTHY, "a#r1", Outcome.UNHEALTHY, "a#r2", Outcome.CREATED,
        "b", Outcome.UNHEALTHY, "b#r1", Outcome.ABORTED));
    assertThat(s.decide("a", true)).isEqualTo(new ResumeDecision(Action.SKIP_DONE, "a#r2", Outcome.CREATED));
    assertThat(s.decide("b", true)).isEqualTo(new ResumeDecision(Action.PROVISION, "b#r1", Outcome.ABORTED));
    assertThat(s.itemOutcomes()).containsOnly(Map.entry("a", Outcome.CREATED), Map.entry("b", Outcome.ABORTED));
  }

  @Test
  void onlyADigitSuffixAfterHashRMarksAReplacement() {
    assertThat(LedgerState.baseKey("a#r12")).isEqualTo("a");
    assertThat(LedgerState.baseKey("a#2#r1")).isEqualTo("a#2");
    assertThat(LedgerState.baseKey("a#r")).isEqualTo("a#r");
    assertThat(LedgerState.baseKey("a#rx")).isEqualTo("a#rx");
    assertThat(LedgerState.baseKey("user#row")).isEqualTo("user#row");
  }
}
