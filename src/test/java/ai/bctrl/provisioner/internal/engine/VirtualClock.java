package ai.bctrl.provisioner.internal.engine;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import reactor.test.scheduler.VirtualTimeScheduler;

/** A wall clock that reads a virtual-time scheduler, starting at {@code origin}. */
final class VirtualClock extends Clock {
  private final VirtualTimeScheduler scheduler;
  private final Instant origin;

  VirtualClock(VirtualTimeScheduler scheduler, Instant origin) {
    this.scheduler = scheduler;
    this.origin = origin;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(scheduler.now(TimeUnit.NANOSECONDS));
  }
}
