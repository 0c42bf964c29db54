package ai.bctrl.provisioner.internal.manifest;

import ai.bctrl.provisioner.internal.KeyHashSet;
import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import ai.bctrl.provisioner.model.RuntimeConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A manifest folded into what {@code validate} prints: every invalid row, then items per space and
 * per shape (stealth, browser, proxy mode), and, against a ledger's last outcomes, how many items
 * would be created and how many are done already (or kept: unhealthy, stopped by teardown; a key
 * deleted by teardown is created anew), and which ledger keys the manifest no longer holds
 * (runtimes it has orphaned). Immutable.
 */
public final class ManifestPlan {
  /** At most this many error lines are kept (and printed); the rest are only counted. */
  static final int MAX_ERRORS_KEPT = 10_000;
  private static final int MAX_ORPHANS_SHOWN = 100;

  private final String fileName;
  private final int validItems;
  private final int invalidRows;
  private final List<ManifestEntry.Invalid> invalid;
  private final Map<String, Integer> bySpace;
  private final Map<String, Integer> byShape;
  private final boolean ledgerGiven;
  private final int done;
  private final int toCreate;
  private final int toSettle;
  private final int unknown;
  private final int unhealthy;
  private final int deleted;
  private final int stopped;
  private final Map<String, Outcome> orphans;

  private ManifestPlan(Acc a, String fileName) {
    this.fileName = fileName;
    this.validItems = a.validItems;
    this.invalidRows = a.invalidRows;
    this.invalid = List.copyOf(a.invalid);
    this.bySpace = Collections.unmodifiableMap(new TreeMap<>(a.bySpace));
    this.byShape = Collections.unmodifiableMap(new TreeMap<>(a.byShape));
    this.ledgerGiven = !a.ledger.isEmpty();
    this.done = a.done;
    this.toCreate = a.toCreate;
    this.toSettle = a.toSettle;
    this.unknown = a.unknown;
    this.unhealthy = a.unhealthy;
    this.deleted = a.deleted;
    this.stopped = a.stopped;
    this.orphans = Collections.unmodifiableMap(a.orphans());
  }

  /**
   * Folds {@code entries} into a plan; errors as {@code entries} does (a {@link ManifestException}).
   *
   * @param ledgerLastOutcomes the last outcome of each key in the ledger; empty when there is none
   */
  public static Mono<ManifestPlan> of(Flux<ManifestEntry> entries, Map<String, Outcome> ledgerLastOutcomes) {
    return of(entries, ledgerLastOutcomes, "manifest");
  }

  /** As {@link #of(Flux, Map)}; {@link #errors()} names the manifest {@code fileName}. */
  public static Mono<ManifestPlan> of(Flux<ManifestEntry> entries, Map<String, Outcome> ledgerLastOutcomes,
      String fileName) {
    Map<String, Outcome> ledger = Collections.unmodifiableMap(ledgerLastOutcomes);
    return entries.collect(() -> new Acc(ledger), Acc::add).map(a -> new ManifestPlan(a, fileName));
  }

  /** Items that would be provisioned. */
  public int validItems() {
    return validItems;
  }

  /** Rows that are invalid (each counts once, whatever its {@code count}). */
  public int invalidRows() {
    return invalidRows;
  }

  /** The invalid rows as {@link ManifestEntry.Invalid#describe} lines (at most the first 10,000). */
  public List<String> errors() {
    return invalid.stream().map(i -> i.describe(fileName)).toList();
  }

  /** Items per space id. */
  public Map<String, Integer> itemsBySpace() {
    return bySpace;
  }

  /** The keys of ledger runtimes no longer in the manifest, with their last outcome. */
  public Map<String, Outcome> orphans() {
    return orphans;
  }

  /** The text {@code validate} prints: every error line, then the plan. Ends with a newline. */
  public String render(String fileName) {
    return render(fileName, false);
  }

  /**
   * The plan as {@code render(fileName)}, for a run with {@code --no-list} when {@code noList}:
   * then nothing is adopted or settled, {@code unknown} items are left as they are and {@code
   * aborted} ones are created (a {@code --no-list} run records {@code aborted} only for items that
   * were surely not created).
   */
  public String render(String fileName, boolean noList) {
    StringBuilder sb = new StringBuilder();
    for (ManifestEntry.Invalid i : invalid) {
      sb.append(i.describe(fileName)).append('\n');
    }
    if (invalidRows > invalid.size()) {
      sb.append(fileName).append(": ").append(invalidRows - invalid.size())
          .append(" more invalid rows not shown; fix the ones above first\n");
    }
    sb.append("plan for ").append(fileName).append(": ").append(plural(validItems, "item"))
        .append(" in ").append(plural(bySpace.size(), "space"));
    if (invalidRows > 0) {
      sb.append("; ").append(plural(invalidRows, "invalid row")).append(" (listed above, never sent)");
    }
    sb.append('\n');
    int width = String.valueOf(validItems).length();
    if (!bySpace.isEmpty()) {
      sb.append("  by space:\n");
      for (Map.Entry<String, Integer> e : bySpace.entrySet()) {
        sb.append(String.format("    %" + width + "d  %s%n", e.getValue(), e.getKey()));
      }
    }
    if (!byShape.isEmpty()) {
      sb.append("  by shape (stealth, browser, proxy; - = not set):\n");
      List<Map.Entry<String, Integer>> shapes = new ArrayList<>(byShape.entrySet());
      shapes.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
      for (Map.Entry<String, Integer> e : shapes) {
        String[] s = e.getKey().split("\t", -1);
        sb.append(String.format("    %" + width + "d  %-7s %-7s %s%n", e.getValue(), s[0], s[1], s[2]));
      }
    }
    if (ledgerGiven) {
      sb.append("  against the ledger:\n");
      sb.append(String.format("    %" + width + "d  to create%n", toCreate));
      if (deleted > 0) {
        sb.append(String.format("    %" + width + "d    of them deleted by teardown, created anew%n", deleted));
      }
      sb.append(String.format("    %" + width + "d  already done (created or adopted)%n", done));
      if (toSettle > 0 && !noList) {
        sb.append(String.format("    %" + width + "d  to settle first (unknown or aborted), then create if not found%n", toSettle));
      }
      if (noList && toSettle - unknown > 0) {
        sb.append(String.format("    %" + width + "d  aborted, to create (--no-list)%n", toSettle - unknown));
      }
      if (noList && unknown > 0) {
        sb.append(String.format("    %" + width + "d  unknown, left as they are: --no-list cannot check whether they "
            + "exist, so they are never created again%n", unknown));
      }
      if (unhealthy > 0) {
        sb.append(String.format("    %" + width + "d  unhealthy (kept; replaced only with --replace-unhealthy)%n", unhealthy));
      }
      if (stopped > 0) {
        sb.append(String.format("    %" + width + "d  stopped by teardown (kept; replaced only with --replace-unhealthy)%n",
            stopped));
      }
      if (orphans.isEmpty()) {
        sb.append("  orphaned: none (every ledger runtime is still in the manifest)\n");
      } else {
        sb.append("  orphaned: ").append(plural(orphans.size(), "ledger key"))
            .append(" no longer in the manifest (their runtimes are left as they are):\n");
        int shown = 0;
        for (Map.Entry<String, Outcome> e : orphans.entrySet()) {
          if (shown++ == MAX_ORPHANS_SHOWN) {
            sb.append("    ... and ").append(orphans.size() - MAX_ORPHANS_SHOWN).append(" more\n");
            break;
          }
          sb.append("    ").append(e.getKey()).append(" (").append(e.getValue().wire()).append(")\n");
        }
      }
    }
    if (noList) {
      sb.append("  --no-list: no space is listed, so runtimes already there are not adopted and a lost ledger\n"
          + "    cannot be recovered by resume; a create whose answer is lost ends unknown and is never repeated\n");
    }
    return sb.toString();
  }

  private static String plural(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  /** The fold's mutable state; lives only inside {@link #of}. */
  private static final class Acc {
    final Map<String, Outcome> ledger;
    /** 64-bit hashes of the ledger keys that are items: no copy of a million keys. */
    final KeyHashSet ledgerSeen = new KeyHashSet();
    final Set<String> invalidKeys = new HashSet<>();
    final List<ManifestEntry.Invalid> invalid = new ArrayList<>();
    final Map<String, Integer> bySpace = new TreeMap<>();
    final Map<String, Integer> byShape = new TreeMap<>();
    int validItems;
    int invalidRows;
    int done;
    int toCreate;
    int toSettle;
    int unknown;
    int unhealthy;
    int deleted;
    int stopped;

    Acc(Map<String, Outcome> ledger) {
      this.ledger = ledger;
    }

    void add(ManifestEntry e) {
      if (e instanceof ManifestEntry.Invalid i) {
        invalidRows++;
        if (invalid.size() < MAX_ERRORS_KEPT) {
          invalid.add(i);
        }
        if (!ledger.isEmpty()) {
          invalidKeys.add(i.key());
        }
        return;
      }
      Item item = ((ManifestEntry.Valid) e).item();
      validItems++;
      bySpace.merge(item.spaceId(), 1, Integer::sum);
      byShape.merge(shape(item.request()), 1, Integer::sum);
      if (ledger.isEmpty()) {
        return;
      }
      Outcome o = ledger.get(item.key());
      if (o != null) {
        ledgerSeen.add(item.key());
      }
      if (o == null || o == Outcome.FAILED || o == Outcome.INVALID || o == Outcome.DELETED) {
        toCreate++;
        if (o == Outcome.DELETED) {
          deleted++;
        }
      } else if (o.isDone()) {
        done++;
      } else if (o == Outcome.UNHEALTHY) {
        unhealthy++;
      } else if (o == Outcome.STOPPED) {
        stopped++;
      } else {
        toSettle++;
        if (o == Outcome.UNKNOWN) {
          unknown++;
        }
      }
    }

    /** Ledger keys that may have a runtime (not failed, invalid or deleted) and are neither an item nor (an item of) an invalid row. */
    Map<String, Outcome> orphans() {
      Map<String, Outcome> out = new TreeMap<>();
      for (Map.Entry<String, Outcome> e : ledger.entrySet()) {
        Outcome o = e.getValue();
        if (o == Outcome.FAILED || o == Outcome.INVALID || o == Outcome.DELETED || ledgerSeen.contains(e.getKey())) {
          continue;
        }
        String k = e.getKey();
        int hash = k.lastIndexOf('#');
        if (invalidKeys.contains(k) || (hash > 0 && invalidKeys.contains(k.substring(0, hash)))) {
          continue;
        }
        out.put(k, o);
      }
      return out;
    }

    private static String shape(CreateRuntimeRequest r) {
      RuntimeConfig c = r.config();
      String stealth = c == null || c.stealth() == null ? "-" : c.stealth().wire();
      String browser = c == null || c.fingerprint() == null || c.fingerprint().browser() == null
          ? "-" : c.fingerprint().browser().wire();
      String proxy;
      if (c == null || c.proxy() == null) {
        proxy = "-";
      } else {
        proxy = c.proxy().map(p -> p.mode()).orElse("none");
      }
      return stealth + "\t" + browser + "\t" + proxy;
    }
  }
}
