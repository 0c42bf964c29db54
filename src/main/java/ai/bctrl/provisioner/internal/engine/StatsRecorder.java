package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Latencies;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.ProvisionerStats;
import ai.bctrl.provisioner.RetryCause;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link ProvisionerStats}; thread-safe, never blocks for long. */
final class StatsRecorder {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final LongAdder attempts = new LongAdder();
  private final LongAdder settles = new LongAdder();
  private final LongAdder listings = new LongAdder();
  private final Map<RetryCause, LongAdder> retries = new EnumMap<>(RetryCause.class);
  private final Map<Outcome, LongAdder> results = new EnumMap<>(Outcome.class);
  private final Latencies.Recorder latency = Latencies.recorder();

  StatsRecorder() {
    for (RetryCause c : RetryCause.values()) {
      retries.put(c, new LongAdder());
    }
    for (Outcome o : Outcome.values()) {
      results.put(o, new LongAdder());
    }
  }

  /** Counts a call start; returns the calls in flight, this one included. */
  int callStarted() {
    attempts.increment();
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    return now;
  }

  void callEnded() {
    inFlight.decrementAndGet();
  }

  void retry(RetryCause cause) {
    retries.get(cause == null ? RetryCause.OTHER : cause).increment();
  }

  void settle() {
    settles.increment();
  }

  void listingCall() {
    listings.increment();
  }

  void ended(ItemResult r) {
    results.get(r.outcome()).increment();
    if (r.attempts() > 0) {
      latency.record(r.latencyMs());
    }
  }

  ProvisionerStats snapshot() {
    Map<RetryCause, Long> rs = new EnumMap<>(RetryCause.class);
    retries.forEach((k, v) -> rs.put(k, v.sum()));
    Map<Outcome, Long> os = new EnumMap<>(Outcome.class);
    results.forEach((k, v) -> os.put(k, v.sum()));
    return new ProvisionerStats(inFlight.get(), maxInFlight.get(), attempts.sum(), rs, settles.sum(), listings.sum(), os,
        latency.snapshot());
  }
}
