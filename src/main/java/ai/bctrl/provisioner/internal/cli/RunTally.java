package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.ErrorCodes;
import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/**
 * The counts of one run that the stages feed and the end reads: the {@link Summary}, the items
 * still to do (the exit code), those ended and to provision (progress), and whether the manifest
 * broke mid-run. Thread-safe: stages call it from the manifest's reading thread and the ledger
 * writer's thread. Holds no secret and does no I/O, so it may be called from any thread. Every item
 * it counts (ended or invalid, as recorded) is also handed to its observer (the run report).
 */
final class RunTally {
  private final Consumer<ItemResult> observer;
  private final Summary summary = new Summary();
  private final AtomicLong ended = new AtomicLong();
  private final AtomicLong notDone = new AtomicLong();
  private final AtomicLong toProvision = new AtomicLong();
  private final AtomicBoolean totalKnown = new AtomicBoolean();
  private final AtomicLong precounted = new AtomicLong(-1);
  private final AtomicBoolean manifestBroken = new AtomicBoolean();

  RunTally() {
    this(r -> { });
  }

  /** @param observer sees every item counted, as recorded; must be fast and thread-safe */
  RunTally(Consumer<ItemResult> observer) {
    this.observer = observer;
  }

  Summary summary() {
    return summary;
  }

  /** An invalid row of this run (shard), already recorded: in the summary, and not done. */
  void invalid(ItemResult recorded) {
    summary.add(recorded);
    notDone.incrementAndGet();
    observer.accept(recorded);
  }

  /** An item the ledger already has as done. */
  void skippedDone() {
    summary.skippedDone();
  }

  /** An item left {@code unknown} on resume ({@code --no-list}): skipped, and not done. */
  void keptUnknown() {
    summary.keptUnknown();
    notDone.incrementAndGet();
  }

  /** An item kept as {@code unhealthy} (no {@code --replace-unhealthy}): skipped, and not done. */
  void keptUnhealthy() {
    summary.keptUnhealthy();
    notDone.incrementAndGet();
  }

  /** An item kept as {@code stopped} by teardown (no {@code --replace-unhealthy}): skipped, and not done. */
  void keptStopped() {
    summary.keptStopped();
    notDone.incrementAndGet();
  }

  /** Counts each item on its way to the engine; the total is known once {@code items} completes. */
  Flux<Item> countToProvision(Flux<Item> items) {
    return items.doOnNext(item -> toProvision.incrementAndGet()).doOnComplete(() -> totalKnown.set(true));
  }

  /** An item that ended in this run, as recorded in the ledger. */
  void ended(ItemResult recorded) {
    summary.add(recorded);
    if (ErrorCodes.UNSETTLED_NO_LIST.equals(recorded.errorCode())) {
      summary.unknownNoList();
    }
    ended.incrementAndGet();
    if (!recorded.outcome().isDone()) {
      notDone.incrementAndGet();
    }
    observer.accept(recorded);
  }

  /** The manifest turned out unreadable or malformed mid-run. */
  void manifestBroken() {
    manifestBroken.set(true);
  }

  boolean isManifestBroken() {
    return manifestBroken.get();
  }

  /** Items of the manifest (shard) whose last outcome is not {@code created}/{@code adopted}. */
  long notDone() {
    return notDone.get();
  }

  /** The items to provision as counted ahead by a cheap second pass, for progress only. */
  void precounted(long items) {
    precounted.set(items);
  }

  /** What progress shows: the total is the real count once known, else the precount (or -1). */
  Progress.Snapshot snapshot(long inFlight, long retries) {
    return new Progress.Snapshot(
        ended.get(), totalKnown.get() ? toProvision.get() : precounted.get(), inFlight, retries);
  }
}
