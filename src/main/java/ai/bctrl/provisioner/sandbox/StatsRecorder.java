package ai.bctrl.provisioner.sandbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The live counters behind {@link SandboxStats}; every method is thread-safe and non-blocking but for a short lock. */
final class StatsRecorder {
  static final int MAX_START_TIMES = 1_000_000;

  private final ConcurrentHashMap<String, AtomicInteger> createsByKey = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> stopsByRuntime = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> deletesByRuntime = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
  private final EnumMap<Call, EnumMap<FaultKind, LongAdder>> faults = new EnumMap<>(Call.class);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final LongAdder createRequests = new LongAdder();
  private final LongAdder listRequests = new LongAdder();
  private final LongAdder stopRequests = new LongAdder();
  private final LongAdder deleteRequests = new LongAdder();
  private final LongAdder replays = new LongAdder();
  private long[] starts = new long[1024];
  private int startCount;
  private final ArrivalWindow oneSecond = new ArrivalWindow(1_000_000_000L);
  private Long firstCreateEpochMillis;
  private Long lastCreateEpochMillis;

  StatsRecorder() {
    for (Call c : Call.values()) {
      EnumMap<FaultKind, LongAdder> byKind = new EnumMap<>(FaultKind.class);
      for (FaultKind k : FaultKind.values()) {
        byKind.put(k, new LongAdder());
      }
      faults.put(c, byKind);
    }
  }

  /** A create in flight; {@link #end} takes it out of the count, once however often it is called. */
  final class InFlight {
    private final AtomicBoolean ended = new AtomicBoolean();

    void end() {
      if (ended.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
      }
    }
  }

  /**
   * Counts a create request arriving now, in flight until the returned ticket ends. Its time is
   * read under the lock, so that arrival times are recorded in order.
   */
  InFlight createStarted(LongSupplier nanoTime, Clock clock) {
    createRequests.increment();
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    synchronized (this) {
      long nanos = nanoTime.getAsLong();
      long millis = clock.millis();
      oneSecond.arrived(nanos);
      if (firstCreateEpochMillis == null) {
        firstCreateEpochMillis = millis;
      }
      lastCreateEpochMillis = millis;
      if (startCount < MAX_START_TIMES) {
        if (startCount == starts.length) {
          starts = Arrays.copyOf(starts, Math.min(MAX_START_TIMES, starts.length * 2));
        }
        starts[startCount++] = nanos;
      }
    }
    return new InFlight();
  }

  void listed() {
    listRequests.increment();
  }

  void stopRequested() {
    stopRequests.increment();
  }

  void deleteRequested() {
    deleteRequests.increment();
  }

  void answered(int status) {
    byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  void fault(Call call, FaultKind kind) {
    faults.get(call).get(kind).increment();
  }

  void replayed() {
    replays.increment();
  }

  void created(String provisionerKey) {
    if (provisionerKey != null) {
      count(createsByKey, provisionerKey);
    }
  }

  /** A stop changed runtime {@code id} from active to stopped. */
  void stopped(String id) {
    count(stopsByRuntime, id);
  }

  /** A delete removed runtime {@code id}. */
  void deleted(String id) {
    count(deletesByRuntime, id);
  }

  private static void count(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
    counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  SandboxStats snapshot(int runtimes, int active) {
    Map<Integer, Long> statuses = new HashMap<>();
    byStatus.forEach((k, v) -> statuses.put(k, v.sum()));
    List<Long> startList;
    int maxInOneSecond;
    Long first;
    Long last;
    synchronized (this) {
      startList = new ArrayList<>(startCount);
      for (int i = 0; i < startCount; i++) {
        startList.add(starts[i]);
      }
      maxInOneSecond = oneSecond.max();
      first = firstCreateEpochMillis;
      last = lastCreateEpochMillis;
    }
    return new SandboxStats(
        counts(createsByKey), statuses, faults(Call.CREATE), maxInFlight.get(), createRequests.sum(),
        listRequests.sum(), startList, active, inFlight.get(), runtimes, replays.sum(), stopRequests.sum(),
        deleteRequests.sum(), counts(stopsByRuntime), counts(deletesByRuntime), faults(Call.STOP),
        faults(Call.DELETE), maxInOneSecond, first, last);
  }

  private static Map<String, Integer> counts(ConcurrentHashMap<String, AtomicInteger> counts) {
    Map<String, Integer> out = new HashMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private Map<FaultKind, Long> faults(Call call) {
    Map<FaultKind, Long> out = new EnumMap<>(FaultKind.class);
    faults.get(call).forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
