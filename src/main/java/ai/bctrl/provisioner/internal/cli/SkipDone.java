package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.internal.ledger.LedgerState;
import ai.bctrl.provisioner.internal.ledger.ResumeDecision;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * Stage "resume": asks the ledger read at the start what to do with each item ({@link
 * LedgerState#decide}). An item already {@code created} or {@code adopted} is skipped and counted
 * as done; one last {@code unhealthy} (or {@code stopped} by teardown) is kept and counted as not done, unless {@code
 * --replace-unhealthy} asks for a replacement, which goes on under its replacement key ({@code
 * <key>#r<n>}); every other item goes on unchanged. It only decides: it never reads or writes the
 * ledger file and never blocks, so it may run on any thread.
 *
 * @param ledger the ledger as read at the start of the run
 * @param replaceUnhealthy {@code --replace-unhealthy}
 * @param noList {@code --no-list}: an item last {@code unknown} is kept, never repeated
 * @param tally counts the items skipped and kept
 */
record SkipDone(LedgerState ledger, boolean replaceUnhealthy, boolean noList, RunTally tally)
    implements Function<Flux<Item>, Flux<Item>> {

  @Override
  public Flux<Item> apply(Flux<Item> items) {
    return items.handle((item, sink) -> {
      ResumeDecision d = ledger.decide(item.key(), replaceUnhealthy, noList);
      switch (d.action()) {
        case SKIP_DONE -> tally.skippedDone();
        case KEEP_UNHEALTHY -> tally.keptUnhealthy();
        case KEEP_STOPPED -> tally.keptStopped();
        case KEEP_UNKNOWN -> tally.keptUnknown();
        case PROVISION -> sink.next(d.key().equals(item.key())
            ? item : Item.of(d.key(), item.spaceId(), item.request(), item.line()));
      }
    });
  }

  /** Whether this stage lets the item with {@code key} through; counts nothing. */
  boolean provisions(String key) {
    return ledger.decide(key, replaceUnhealthy, noList).action() == ResumeDecision.Action.PROVISION;
  }
}
