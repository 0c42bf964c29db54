package ai.bctrl.provisioner.internal.ledger;

import ai.bctrl.provisioner.Outcome;
import java.util.Objects;

/**
 * What a resumed run does with one manifest item, given the ledger.
 *
 * @param action what to do
 * @param key the key to provision under ({@link Action#PROVISION}), else the key the ledger knows
 *     the item by
 * @param previous the item's last outcome in the ledger, or {@code null} when it has none
 */
public record ResumeDecision(Action action, String key, Outcome previous) {

  /** What to do with the item. */
  public enum Action {
    /** Its last outcome is done ({@code created} or {@code adopted}): skip and count it. */
    SKIP_DONE,
    /** Its last outcome is {@code unhealthy} and no replacement was asked for: keep, skip. */
    KEEP_UNHEALTHY,
    /** Its last outcome is {@code stopped} (by teardown) and no replacement was asked for: keep, skip. */
    KEEP_STOPPED,
    /** Its last outcome is {@code unknown} and the run has {@code --no-list}: never repeated, skip. */
    KEEP_UNKNOWN,
    /** Provision it (new, retried, or a replacement) under {@link #key()}. */
    PROVISION
  }

  public ResumeDecision {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(key, "key");
  }
}
