package ai.bctrl.provisioner.sandbox;

import java.util.concurrent.atomic.AtomicReference;
import reactor.core.scheduler.Scheduler;

/**
 * The behaviour in force: the config and what is made from it (the rate limit, the fault table),
 * swapped whole by {@link #set}, so a request sees one consistent behaviour. Thread-safe.
 */
final class Settings {

  /** One config and the parts made from it. {@code limit} is {@code null} when there is no limit. */
  record Behaviour(SandboxConfig config, RateLimit limit, Dice.FaultTable faults) {
    static Behaviour of(SandboxConfig c, long origin) {
      return new Behaviour(c, RateLimit.of(c, origin), Dice.FaultTable.of(c));
    }
  }

  private final AtomicReference<Behaviour> current;
  private final Scheduler timer;
  /** The server's start on the first config's nanosecond source: time zero of the rate schedule. */
  private final long origin;

  /** {@code timer}: the server's own timer threads, for a config that names no scheduler. */
  Settings(SandboxConfig config, Scheduler timer) {
    this.origin = config.nanoTime().getAsLong();
    this.current = new AtomicReference<>(Behaviour.of(config, origin));
    this.timer = timer;
  }

  Behaviour now() {
    return current.get();
  }

  SandboxConfig config() {
    return current.get().config();
  }

  /**
   * From the next request on; a new rate limit starts with a full bucket, and its schedule still
   * counts from the server's start.
   */
  void set(SandboxConfig config) {
    current.set(Behaviour.of(config, origin));
  }

  /** Where the delays of the config in force are timed. */
  Scheduler scheduler() {
    Scheduler s = config().scheduler();
    return s != null ? s : timer;
  }

  /** The server's own timer threads (for work kept off the event loop). */
  Scheduler timer() {
    return timer;
  }
}
