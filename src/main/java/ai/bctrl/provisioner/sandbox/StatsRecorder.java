package ai.bctrl.provisioner.sandbox;

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

/** The live counters behind {@link SandboxStats}; every method is thread-safe and non-blocking but for a short lock. */
final class StatsRecorder {
  static final int MAX_START_TIMES = 1_000_000;

  private final ConcurrentHashMap<String, AtomicInteger> createsByKey = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
  private final EnumMap<FaultKind, LongAdder> faults = new EnumMap<>(FaultKind.class);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final LongAdder createRequests = new LongAdder();
  private final LongAdder listRequests = new LongAdder();
  private final LongAdder replays = new LongAdder();
  private long[] starts = new long[1024];
  private int startCount;

  StatsRecorder() {
    for (FaultKind k : FaultKind.values()) {
      faults.put(k, new LongAdder());
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

  /** Counts a create request that arrived at {@code nanos}, in flight until the returned ticket ends. */
  InFlight createStarted(long nanos) {
    createRequests.increment();
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    synchronized (this) {
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

  void answered(int status) {
    byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  void fault(FaultKind kind) {
    faults.get(kind).increment();
  }

  void replayed() {
    replays.increment();
  }

  void created(String provisionerKey) {
    if (provisionerKey != null) {
      createsByKey.computeIfAbsent(provisionerKey, k -> new AtomicInteger()).incrementAndGet();
    }
  }

  SandboxStats snapshot(int runtimes, int active) {
    Map<String, Integer> keys = new HashMap<>();
    createsByKey.forEach((k, v) -> keys.put(k, v.get()));
    Map<Integer, Long> statuses = new HashMap<>();
    byStatus.forEach((k, v) -> statuses.put(k, v.sum()));
    Map<FaultKind, Long> f = new EnumMap<>(FaultKind.class);
    faults.forEach((k, v) -> f.put(k, v.sum()));
    List<Long> startList;
    synchronized (this) {
      startList = new ArrayList<>(startCount);
      for (int i = 0; i < startCount; i++) {
        startList.add(starts[i]);
      }
    }
    return new SandboxStats(
        keys, statuses, f, maxInFlight.get(), createRequests.sum(), listRequests.sum(), startList,
        active, inFlight.get(), runtimes, replays.sum());
  }
}
