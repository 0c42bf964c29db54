package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ProvisionerListener;
import ai.bctrl.provisioner.ProvisionerListener.RateChanged;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * The calls of one space waiting for a start, served first come, first served when its {@link
 * RateControl} says the next one is due, and held while a 429's pause lasts. Nothing is reserved
 * ahead: each start is timed at the rate in force when it is due, so a cut applies at once to
 * every call still waiting, and none goes out at a rate that was already given up. One timer at a
 * time, on the engine's scheduler. Thread-safe; a start is granted outside the lock.
 */
final class SpaceStarts {
  /** Rate changes smaller than this share of the last one reported are not reported. */
  static final double REPORT_STEP = 0.02;

  private final String spaceId;
  private final RateControl control;
  private final Scheduler scheduler;
  private final boolean pauses;
  private final ProvisionerListener listener;
  private final ArrayDeque<MonoSink<Void>> waiters = new ArrayDeque<>();
  private long pausedUntil = Long.MIN_VALUE;
  private Disposable timer;
  /** When the pending timer fires; {@code Long.MAX_VALUE} when none is pending. */
  private long timerAt = Long.MAX_VALUE;
  private double reported = Double.NaN;

  /**
   * @param pauses whether a 429's pause holds the starts (the provisioner's rule; a reference
   *     controller that does not honour {@code Retry-After} for other calls turns it off)
   */
  SpaceStarts(String spaceId, RateControl control, Scheduler scheduler, boolean pauses,
      ProvisionerListener listener) {
    this.spaceId = spaceId;
    this.control = control;
    this.scheduler = scheduler;
    this.pauses = pauses;
    this.listener = listener;
  }

  private long now() {
    return scheduler.now(TimeUnit.NANOSECONDS);
  }

  /** Completes when a call may start. Cold; cancelling leaves the line. */
  Mono<Void> acquire() {
    return Mono.create(sink -> {
      synchronized (this) {
        waiters.add(sink);
      }
      sink.onCancel(() -> {
        synchronized (this) {
          waiters.remove(sink);
        }
      });
      drain();
    });
  }

  void answered(long startNanos) {
    synchronized (this) {
      control.answered(startNanos, now());
    }
    drain();
  }

  void rateLimited(long startNanos, Duration pause) {
    boolean cut;
    synchronized (this) {
      long now = now();
      long resume = now;
      if (pauses && pause != null) {
        resume = now + pause.toNanos();
        pausedUntil = Math.max(pausedUntil, resume);
      }
      cut = control.rateLimited(startNanos, now, resume);
    }
    if (cut) {
      report(true);
    }
    drain();
  }

  /** The rate in force now. */
  synchronized double rate() {
    return control.rate(now());
  }

  /** Grants every start that is due, then sets the timer for the next. */
  private void drain() {
    List<MonoSink<Void>> due = null;
    synchronized (this) {
      long now = now();
      while (!waiters.isEmpty()) {
        long at = now < pausedUntil ? pausedUntil : control.nextStart(now);
        if (at > now) {
          schedule(at, now);
          break;
        }
        control.started(now);
        if (due == null) {
          due = new ArrayList<>(2);
        }
        due.add(waiters.poll());
      }
    }
    if (due != null) {
      report(false);
      for (MonoSink<Void> s : due) {
        s.success();
      }
    }
  }

  /** Sets the timer for {@code at}, unless one fires no later (an early one drains and sets it again). */
  private void schedule(long at, long now) {
    if (timerAt <= at) {
      return;
    }
    if (timer != null) {
      timer.dispose();
    }
    timerAt = at;
    timer = scheduler.schedule(() -> {
      synchronized (this) {
        if (timerAt == at) {
          timerAt = Long.MAX_VALUE;
          timer = null;
        }
      }
      drain();
    }, at - now, TimeUnit.NANOSECONDS);
  }

  /** Tells the listener the rate, when it moved enough since it was last told (or always, on a cut). */
  private void report(boolean always) {
    double r;
    synchronized (this) {
      r = control.rate(now());
      if (!always && (r == reported || Math.abs(r - reported) < REPORT_STEP * reported)) {
        return;
      }
      reported = r;
    }
    listener.rateChanged(new RateChanged(spaceId, r));
  }
}
