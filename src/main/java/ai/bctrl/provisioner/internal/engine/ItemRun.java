package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.Item;

/**
 * The state of one item in one run. Touched only by that item's pipeline, one step at a time
 * (Reactor's serial signalling orders the accesses); volatile for the hops between threads.
 */
final class ItemRun {
  final Item item;
  /** The create body made once for every attempt, or {@code null} for each call to make its own. */
  final byte[] body;
  /** Create calls made, 429s included (the ledger's {@code attempts}). */
  volatile int calls;
  /** Attempts counted against {@code maxAttempts} (429s excluded). */
  volatile int counted;
  /** 429s answered, for the backoff when no Retry-After came. */
  volatile int rateLimited;
  /** Scheduler nanos when the first attempt started, or -1. */
  volatile long firstStart = -1;
  /** Scheduler nanos when the last attempt ended. */
  volatile long lastEnd;
  /** The pause a 429 asked for (Retry-After, or a backoff without one). */
  volatile java.time.Duration pause;
  /** The last attempt's verdict, or {@code null}. */
  volatile Verdict last;
  /** Whether a create call is in flight now (its outcome unknown if it is cut). */
  volatile boolean inCall;
  /** Whether a create call was cut off in flight (by a stop or cancel): it may have landed. */
  volatile boolean cutInFlight;

  ItemRun(Item item, byte[] body) {
    this.item = item;
    this.body = body;
  }

  /** Whether a create was ever started for it in this run (only then does a stop record it). */
  boolean started() {
    return firstStart >= 0;
  }
}
