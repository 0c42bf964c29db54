package ai.bctrl.provisioner.sandbox;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Every random choice the sandbox makes, from one generator seeded once, so that one seed replays
 * the same choices for the same sequence of calls. Thread-safe: each draw takes its numbers under
 * one lock.
 */
final class Dice {

  /** What a create drew: its fault ({@code null} = none), its latency and its runtime's id. */
  record CreateDraw(FaultKind fault, long latencyNanos, UUID id) {}

  private final SplittableRandom rng;

  Dice(long seed) {
    this.rng = new SplittableRandom(seed);
  }

  CreateDraw create(SandboxConfig c, FaultTable faults) {
    long min = c.latencyMin().toNanos();
    long max = c.latencyMax().toNanos();
    double u;
    long latency;
    long hi;
    long lo;
    synchronized (rng) {
      u = rng.nextDouble();
      latency = max > min ? min + rng.nextLong(max - min + 1) : min;
      hi = rng.nextLong();
      lo = rng.nextLong();
    }
    // a version-4 (random) UUID
    UUID id = new UUID((hi & ~0xF000L) | 0x4000L, (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    return new CreateDraw(faults.pick(u), latency, id);
  }

  /** A stop's or delete's fault ({@code null} = none): one number drawn. */
  FaultKind fault(FaultTable faults) {
    double u;
    synchronized (rng) {
      u = rng.nextDouble();
    }
    return faults.pick(u);
  }

  /** The fault kinds with their cumulative shares, in {@link FaultKind} order. */
  static final class FaultTable {
    private final FaultKind[] kinds;
    private final double[] upTo;

    private FaultTable(FaultKind[] kinds, double[] upTo) {
      this.kinds = kinds;
      this.upTo = upTo;
    }

    static FaultTable of(SandboxConfig c) {
      Map<FaultKind, Double> shares = c.effectiveFaults();
      FaultKind[] kinds = new FaultKind[shares.size()];
      double[] upTo = new double[shares.size()];
      double acc = 0;
      int i = 0;
      for (Map.Entry<FaultKind, Double> e : shares.entrySet()) {
        acc += e.getValue();
        kinds[i] = e.getKey();
        upTo[i++] = acc;
      }
      return new FaultTable(kinds, upTo);
    }

    /** The kind a uniform draw {@code u} in [0, 1) hits, or {@code null} for none. */
    FaultKind pick(double u) {
      for (int i = 0; i < kinds.length; i++) {
        if (u < upTo[i]) {
          return kinds[i];
        }
      }
      return null;
    }
  }
}
