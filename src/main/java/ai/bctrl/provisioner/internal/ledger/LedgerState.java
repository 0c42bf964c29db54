package ai.bctrl.provisioner.internal.ledger;

import ai.bctrl.provisioner.Outcome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a ledger says: the last outcome of every key (last record wins), and how resume treats each
 * manifest item.
 *
 * <p><b>After teardown.</b> An item last {@code deleted} is created anew under its key; one last
 * {@code stopped} is kept as an {@code unhealthy} one is.
 *
 * <p><b>Replacements.</b> {@code --replace-unhealthy} creates a replacement for an item whose last
 * outcome is {@code unhealthy} or {@code stopped}. The replacement cannot reuse the item key: every run lists the
 * space first and would adopt the unhealthy runtime that already carries that key. So the n-th
 * replacement of item {@code K} is provisioned under {@code K#r<n>} (n = 1, 2, ...). {@code #} is
 * never part of a row key and the count suffix {@code #<i>} is digits only, so such a key cannot
 * collide with any manifest item. The item's state is that of its latest replacement, if any.
 */
public final class LedgerState {
  private static final String REPLACEMENT = "#r";

  private final Path path;
  private final Instant lastModified;
  private final Map<String, Outcome> lastByKey;
  private final Map<String, Integer> latestReplacement;
  private final long records;
  private final String repairNotice;

  LedgerState(
      Path path, Instant lastModified, Map<String, Outcome> lastByKey, long records, String repairNotice) {
    this.path = path;
    this.lastModified = lastModified;
    this.lastByKey = lastByKey;
    this.records = records;
    this.repairNotice = repairNotice;
    Map<String, Integer> gens = new HashMap<>();
    for (String key : lastByKey.keySet()) {
      int gen = replacementGeneration(key);
      if (gen > 0) {
        gens.merge(baseKey(key), gen, Math::max);
      }
    }
    this.latestReplacement = gens;
  }

  /** The state of a ledger that does not exist yet. */
  public static LedgerState empty(Path path) {
    return new LedgerState(path, null, Map.of(), 0, null);
  }

  /** The ledger file. */
  public Path path() {
    return path;
  }

  /** Whether the file existed when it was read. */
  public boolean existed() {
    return lastModified != null;
  }

  /** The file's last modification before this run touched it, if it existed. */
  public Optional<Instant> lastModified() {
    return Optional.ofNullable(lastModified);
  }

  /** Records read (not keys: a key may have several). */
  public long records() {
    return records;
  }

  /** Distinct keys in the ledger. */
  public int keys() {
    return lastByKey.size();
  }

  /** The one-line report of a cut last line that was removed, if there was one. */
  public Optional<String> repairNotice() {
    return Optional.ofNullable(repairNotice);
  }

  /** The last outcome recorded under exactly {@code key}, or {@code null}. */
  public Outcome lastOutcome(String key) {
    return lastByKey.get(key);
  }

  /**
   * Whether some key's last outcome is {@code aborted}: its call was cut off in flight (or while it
   * waited to be settled) when the run stopped, so its runtime may still appear up to a settle
   * delay after that run's last record. Such a ledger is in doubt even though its run ended
   * cleanly.
   */
  public boolean hasAborted() {
    return lastByKey.containsValue(Outcome.ABORTED);
  }

  /** Every key's last outcome, replacement keys included. Unmodifiable. */
  public Map<String, Outcome> lastOutcomes() {
    return Collections.unmodifiableMap(lastByKey);
  }

  /**
   * Every manifest item's state: for each item key, the last outcome of its latest replacement if
   * it has one, else its own. Replacement keys are folded into their item's key.
   */
  public Map<String, Outcome> itemOutcomes() {
    Map<String, Outcome> out = new HashMap<>(lastByKey.size() * 2);
    for (Map.Entry<String, Outcome> e : lastByKey.entrySet()) {
      if (replacementGeneration(e.getKey()) == 0) {
        out.put(e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, Integer> e : latestReplacement.entrySet()) {
      out.put(e.getKey(), lastByKey.get(e.getKey() + REPLACEMENT + e.getValue()));
    }
    return out;
  }

  /** What a resumed run does with item {@code itemKey}. */
  public ResumeDecision decide(String itemKey, boolean replaceUnhealthy) {
    return decide(itemKey, replaceUnhealthy, false);
  }

  /**
   * What a resumed run does with item {@code itemKey}; with {@code noList} ({@code --no-list}) an
   * item last {@code unknown} is kept: nothing may check whether it exists, so it is never
   * created again.
   */
  public ResumeDecision decide(String itemKey, boolean replaceUnhealthy, boolean noList) {
    int gen = latestReplacement.getOrDefault(itemKey, 0);
    String current = gen == 0 ? itemKey : replacementKey(itemKey, gen);
    Outcome last = lastByKey.get(current);
    if (last == null) {
      return new ResumeDecision(ResumeDecision.Action.PROVISION, current, null);
    }
    if (last.isDone()) {
      return new ResumeDecision(ResumeDecision.Action.SKIP_DONE, current, last);
    }
    if (noList && last == Outcome.UNKNOWN) {
      return new ResumeDecision(ResumeDecision.Action.KEEP_UNKNOWN, current, last);
    }
    if (last == Outcome.UNHEALTHY || last == Outcome.STOPPED) {
      // a runtime that exists but does not run: kept, or replaced under a new key (the listing
      // would adopt it again under its own)
      return replaceUnhealthy
          ? new ResumeDecision(ResumeDecision.Action.PROVISION, replacementKey(itemKey, gen + 1), last)
          : new ResumeDecision(last == Outcome.STOPPED ? ResumeDecision.Action.KEEP_STOPPED
              : ResumeDecision.Action.KEEP_UNHEALTHY, current, last);
    }
    // failed, invalid, unknown, aborted: tried again; deleted (by teardown): created anew
    return new ResumeDecision(ResumeDecision.Action.PROVISION, current, last);
  }

  /** The key of replacement {@code generation} (1-based) of item {@code itemKey}. */
  public static String replacementKey(String itemKey, int generation) {
    if (generation < 1) {
      throw new IllegalArgumentException("generation must be >= 1 but was " + generation);
    }
    return itemKey + REPLACEMENT + generation;
  }

  /** The item key a ledger key belongs to: itself, or the item a replacement key replaces. */
  public static String baseKey(String key) {
    return replacementGeneration(key) == 0 ? key : key.substring(0, key.lastIndexOf(REPLACEMENT));
  }

  static int replacementGeneration(String key) {
    int at = key.lastIndexOf(REPLACEMENT);
    if (at < 0 || at + REPLACEMENT.length() == key.length()) {
      return 0;
    }
    int n = 0;
    for (int i = at + REPLACEMENT.length(); i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9' || n > 100_000_000) {
        return 0;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
