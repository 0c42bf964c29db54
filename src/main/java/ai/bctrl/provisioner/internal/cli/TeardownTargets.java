package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.internal.ledger.LedgerReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import reactor.core.publisher.Flux;

/**
 * Stage "what to tear down": the last record of each key of a ledger, sorted into the runtimes a
 * teardown takes, in file order, and the plan it prints. It takes each key whose last record has a
 * {@code runtimeId} and outcome {@code created}, {@code adopted}, {@code unhealthy} or {@code
 * stopped} (not {@code stopped} with {@code --keep-stopped}: nothing to do); and, unless {@code
 * --no-list}, each key last {@code unknown} or {@code aborted}, without an id: the engine looks for
 * it in a listing of its space. Immutable once read; reading blocks (call it from {@code main}'s
 * thread).
 */
final class TeardownTargets {
  private final List<ItemResult> byId;
  private final List<ItemResult> toLookFor;
  private final long alreadyDeleted;
  private final long alreadyStopped;
  private final long notLookedFor;
  private final long neverCreated;

  private TeardownTargets(List<ItemResult> byId, List<ItemResult> toLookFor, long alreadyDeleted,
      long alreadyStopped, long notLookedFor, long neverCreated) {
    this.byId = byId;
    this.toLookFor = toLookFor;
    this.alreadyDeleted = alreadyDeleted;
    this.alreadyStopped = alreadyStopped;
    this.notLookedFor = notLookedFor;
    this.neverCreated = neverCreated;
  }

  /**
   * Reads {@code ledger} (a cut last line is ignored, not repaired: {@code LedgerReader.load} does
   * that under the lock).
   *
   * @throws ai.bctrl.provisioner.internal.ledger.LedgerException when it cannot be read
   */
  static TeardownTargets read(Path ledger, boolean keepStopped, boolean noList) {
    Map<String, ItemResult> last = new LinkedHashMap<>();
    LedgerReader.forEach(ledger, r -> last.put(r.key(), slim(r)));
    List<ItemResult> byId = new ArrayList<>();
    List<ItemResult> toLookFor = new ArrayList<>();
    long deleted = 0;
    long stopped = 0;
    long notLookedFor = 0;
    long never = 0;
    for (ItemResult r : last.values()) {
      Outcome o = r.outcome();
      if (o == Outcome.DELETED) {
        deleted++;
      } else if (o == Outcome.STOPPED && keepStopped) {
        stopped++;
      } else if (r.runtimeId() != null && (o.isDone() || o == Outcome.UNHEALTHY || o == Outcome.STOPPED)) {
        byId.add(r);
      } else if (o == Outcome.UNKNOWN || o == Outcome.ABORTED) {
        if (noList) {
          notLookedFor++;
        } else {
          toLookFor.add(r);
        }
      } else {
        never++;
      }
    }
    return new TeardownTargets(List.copyOf(byId), List.copyOf(toLookFor), deleted, stopped, notLookedFor, never);
  }

  /** The record as the engine needs it: no error text kept for a million keys. */
  private static ItemResult slim(ItemResult r) {
    return new ItemResult(r.key(), r.line(), r.spaceId(), r.name(), r.outcome(), r.runtimeId(), r.status(), null,
        null, null, 0, 0, null);
  }

  /** What the engine is given: the runtimes by id, then the keys to look for. Cold. */
  Flux<ItemResult> items() {
    return Flux.concat(Flux.fromIterable(byId), Flux.fromIterable(toLookFor));
  }

  /** Runtimes and keys the teardown takes (its progress total). */
  long total() {
    return byId.size() + toLookFor.size();
  }

  /** Keys last {@code unknown} or {@code aborted} that it looks for in their spaces. */
  long toLookFor() {
    return toLookFor.size();
  }

  /** Keys last {@code unknown} or {@code aborted} that {@code --no-list} leaves alone. */
  long notLookedFor() {
    return notLookedFor;
  }

  /** The plan, as {@code teardown} prints it before it acts ({@code --dry-run}, no {@code --yes}). Ends with a newline. */
  String plan(String ledgerName, boolean keepStopped) {
    String does = keepStopped ? "stop (and keep stopped)" : "stop and delete";
    StringBuilder sb = new StringBuilder();
    Map<String, Map<String, Integer>> bySpace = new TreeMap<>();
    for (ItemResult r : byId) {
      bySpace.computeIfAbsent(String.valueOf(r.spaceId()), s -> new TreeMap<>())
          .merge(r.status() == null ? "unknown status" : r.status().wire(), 1, Integer::sum);
    }
    sb.append("teardown plan for ").append(ledgerName).append(": ");
    if (total() == 0) {
      sb.append("nothing to tear down\n");
    } else {
      sb.append(plural(byId.size(), "runtime")).append(" to ").append(does).append(", in ")
          .append(plural(bySpace.size(), "space")).append('\n');
    }
    int width = String.valueOf(Math.max(byId.size(), toLookFor.size())).length();
    if (!byId.isEmpty()) {
      sb.append("  by space and status:\n");
      bySpace.forEach((space, statuses) -> statuses.forEach((status, n) ->
          sb.append(String.format("    %" + width + "d  %s  %s%n", n, space, status))));
    }
    if (!toLookFor.isEmpty()) {
      Map<String, Integer> spaces = new TreeMap<>();
      toLookFor.forEach(r -> spaces.merge(String.valueOf(r.spaceId()), 1, Integer::sum));
      sb.append("  ").append(plural(toLookFor.size(), "key")).append(" left unknown or aborted, in ")
          .append(plural(spaces.size(), "space")).append(": each space is listed, and the runtimes found with those"
              + " keys are ").append(keepStopped ? "stopped" : "stopped and deleted").append(" too:\n");
      spaces.forEach((space, n) -> sb.append(String.format("    %" + width + "d  %s%n", n, space)));
    }
    if (notLookedFor > 0) {
      sb.append("  ").append(plural((int) notLookedFor, "key")).append(" left unknown or aborted are not looked"
          + " for (--no-list): if their runtimes exist, find them in their spaces by hand\n");
    }
    List<String> nothing = new ArrayList<>();
    if (alreadyDeleted > 0) {
      nothing.add(alreadyDeleted + " already deleted");
    }
    if (alreadyStopped > 0) {
      nothing.add(alreadyStopped + " already stopped");
    }
    if (neverCreated > 0) {
      nothing.add(neverCreated + " never created (failed or invalid)");
    }
    if (!nothing.isEmpty()) {
      sb.append("  nothing to do for: ").append(String.join(", ", nothing)).append('\n');
    }
    return sb.toString();
  }

  private static String plural(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
