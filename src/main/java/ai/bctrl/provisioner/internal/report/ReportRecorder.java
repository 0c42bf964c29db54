package ai.bctrl.provisioner.internal.report;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.Latencies;
import ai.bctrl.provisioner.Outcome;
import ai.bctrl.provisioner.ProvisionerListener;
import ai.bctrl.provisioner.RetryCause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.EnumSet;
import java.util.Set;

/**
 * Records what a run report shows, in constant memory: a {@link Timeline} of calls, retries, items
 * and rates per second, and totals of items by space, errors by code (one example message each),
 * calls by answer and a latency histogram, every map bounded (what does not fit is counted under
 * "other"). Fed by the provisioner's events as a {@link ProvisionerListener} (calls, retries,
 * settles, rate changes, the stop), or through the same plain methods by a caller with calls of
 * its own, and by the items as they are recorded ({@link #item}: not {@code itemEnded}, which
 * misses the rows that were never sent); {@link #data()} takes a copy for the page.
 *
 * <p>Thread-safe and non-blocking (short locks, no I/O): events arrive on event-loop and
 * scheduler threads. It copies no request and keeps one message per error code; the page's writer
 * redacts every text it writes.
 */
public final class ReportRecorder implements ProvisionerListener {
  /** Most spaces whose items are counted apart; later ones are counted under {@link #OTHER_SPACES}. */
  static final int MAX_SPACES = 50;
  /** Most error codes counted apart; later ones are counted under {@link #OTHER_CODES}. */
  static final int MAX_CODES = 40;
  /** Most distinct answers counted apart; later ones are counted under {@link #OTHER_ANSWERS}. */
  static final int MAX_ANSWERS = 40;
  /** Most spaces whose learned rate is drawn. */
  static final int MAX_RATE_SPACES = 8;
  /** Longest example message kept, in characters. */
  static final int MAX_MESSAGE = 400;

  static final String OTHER_SPACES = "(other spaces)";
  static final String OTHER_CODES = "(other codes)";
  static final String OTHER_ANSWERS = "(other answers)";
  static final String NO_SPACE = "(no space)";

  // Timeline series: counters
  static final int CALLS_STARTED = 0;
  static final int CALLS_SUCCEEDED = 1;
  static final int CALLS_RETRYABLE = 2;
  static final int CALLS_UNCERTAIN = 3;
  static final int CALLS_FAILED = 4;
  static final int RETRIES = 5; // + RetryCause.ordinal()
  static final int ITEMS_DONE = RETRIES + RetryCause.values().length;
  static final int ITEMS_NOT_DONE = ITEMS_DONE + 1;
  static final int LATENCY_TOTAL_MS = ITEMS_NOT_DONE + 1;
  static final int LATENCY_CALLS = LATENCY_TOTAL_MS + 1;
  static final int SUMS = LATENCY_CALLS + 1;
  // peaks
  static final int IN_FLIGHT_PEAK = 0;
  static final int LATENCY_MAX_MS = 1;
  static final int PEAKS = 2;
  // levels
  static final int IN_FLIGHT_NOW = 0;
  static final int RATE = 1; // + the space's index
  static final int LEVELS = RATE + MAX_RATE_SPACES;

  /** How a call ended, as the timeline counts it. */
  public enum CallEnd {
    /** Answered with what was asked for. */
    SUCCEEDED,
    /** Not done, safe to repeat (429, 503, a reset before sending...). */
    RETRYABLE,
    /** May or may not have been done: settled by a listing. */
    UNCERTAIN,
    /** Refused for good, or fatal to the run. */
    FAILED
  }

  /** Why the run stopped early, as the provisioner told it, and when. */
  public record Stop(String reason, String message, double atSeconds) {}

  /** One error code's count and the first message seen with it. */
  public record ErrorCount(String code, long count, String example) {}

  private final Timeline timeline;
  /** The outcomes that count as done. */
  private final Set<Outcome> done;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Latencies.Recorder latency = Latencies.recorder();
  private final LatencyBins bins = new LatencyBins();
  private final Map<String, long[]> bySpace = new LinkedHashMap<>();
  private final Map<String, ErrorCount> errors = new LinkedHashMap<>();
  private static final Answer OTHER = new Answer(-1, null, null);
  private final Map<Answer, long[]> answers = new LinkedHashMap<>();
  private final List<String> rateSpaces = new ArrayList<>();
  private long attempts;
  private long settledFound;
  private long settledNotFound;
  private Stop stop;

  /** A recorder whose timeline starts now by {@code nanoTime}, with the default bucket count. */
  public ReportRecorder(LongSupplier nanoTime) {
    this(nanoTime, Timeline.DEFAULT_CAPACITY);
  }

  /**
   * A recorder for work whose items are done when they end with one of {@code done} (a teardown's:
   * {@code deleted}), not {@code created} or {@code adopted}.
   */
  public ReportRecorder(LongSupplier nanoTime, Set<Outcome> done) {
    this(nanoTime, Timeline.DEFAULT_CAPACITY, done);
  }

  ReportRecorder(LongSupplier nanoTime, int capacity) {
    this(nanoTime, capacity, EnumSet.of(Outcome.CREATED, Outcome.ADOPTED));
  }

  private ReportRecorder(LongSupplier nanoTime, int capacity, Set<Outcome> done) {
    this.timeline = new Timeline(SUMS, PEAKS, LEVELS, capacity, nanoTime);
    this.done = EnumSet.copyOf(done);
  }

  @Override
  public void attemptStarted(AttemptStarted e) {
    callStarted(e.inFlight());
  }

  @Override
  public void attemptEnded(AttemptEnded e) {
    CallEnd end = switch (e.result()) {
      case SUCCEEDED -> CallEnd.SUCCEEDED;
      case RETRYABLE -> CallEnd.RETRYABLE;
      case UNCERTAIN -> CallEnd.UNCERTAIN;
      case PERMANENT, FATAL -> CallEnd.FAILED;
    };
    callEnded(end, e.httpStatus(), e.errorCode(), e.cause(), e.elapsed());
  }

  @Override
  public void retryScheduled(RetryScheduled e) {
    retryScheduled(e.cause());
  }

  @Override
  public void settled(Settled e) {
    settled(e.found());
  }

  @Override
  public void rateChanged(RateChanged e) {
    rateChanged(e.spaceId(), e.rate());
  }

  @Override
  public void runStopped(RunStopped e) {
    stopped(e.reason().name().toLowerCase(Locale.ROOT).replace('_', ' '), e.message());
  }

  /** A call started; {@code inFlight} counts calls in flight, this one included, as the provisioner saw them. */
  public void callStarted(int inFlight) {
    int now = this.inFlight.incrementAndGet();
    timeline.add(CALLS_STARTED, 1);
    timeline.peak(IN_FLIGHT_PEAK, Math.max(now, inFlight));
    timeline.level(IN_FLIGHT_NOW, now);
  }

  /**
   * A call ended.
   *
   * @param end how it ended
   * @param httpStatus its answer's status, {@code null} when none came
   * @param errorCode the API's error code, or {@code null}
   * @param cause why it will be repeated (a 429, a 5xx...), or {@code null}
   * @param elapsed how long it took
   */
  public void callEnded(CallEnd end, Integer httpStatus, String errorCode, RetryCause cause, Duration elapsed) {
    int now = Math.max(0, inFlight.decrementAndGet());
    timeline.add(switch (end) {
      case SUCCEEDED -> CALLS_SUCCEEDED;
      case RETRYABLE -> CALLS_RETRYABLE;
      case UNCERTAIN -> CALLS_UNCERTAIN;
      case FAILED -> CALLS_FAILED;
    }, 1);
    timeline.level(IN_FLIGHT_NOW, now);
    if (elapsed != null) {
      long ms = Math.max(0, elapsed.toMillis());
      timeline.add(LATENCY_TOTAL_MS, ms);
      timeline.add(LATENCY_CALLS, 1);
      timeline.peak(LATENCY_MAX_MS, ms);
    }
    Answer answer = httpStatus == null ? new Answer(null, null, cause) : new Answer(httpStatus, errorCode, null);
    synchronized (this) {
      long[] n = answers.get(answer);
      if (n == null) {
        n = answers.computeIfAbsent(answers.size() < MAX_ANSWERS ? answer : OTHER, a -> new long[1]);
      }
      n[0]++;
    }
  }

  /** A distinct answer, as counted: a status and code, or no answer and why. */
  private record Answer(Integer status, String code, RetryCause cause) {
    @Override
    public String toString() {
      if (this == OTHER) {
        return OTHER_ANSWERS;
      }
      return status == null
          ? "no answer" + (cause == null ? "" : " (" + causeName(cause) + ")")
          : status + (code == null ? "" : " " + code);
    }
  }

  /** A call is to be repeated, because of {@code cause}. */
  public void retryScheduled(RetryCause cause) {
    timeline.add(RETRIES + (cause == null ? RetryCause.OTHER : cause).ordinal(), 1);
  }

  /** A listing looked for an uncertain item's key and found it, or not. */
  public synchronized void settled(boolean found) {
    if (found) {
      settledFound++;
    } else {
      settledNotFound++;
    }
  }

  /** The rate of calls in {@code spaceId} is now {@code perSecond} (a learned rate). */
  public void rateChanged(String spaceId, double perSecond) {
    int index;
    synchronized (this) {
      String space = spaceId == null ? NO_SPACE : spaceId;
      index = rateSpaces.indexOf(space);
      if (index < 0 && rateSpaces.size() < MAX_RATE_SPACES) {
        rateSpaces.add(space);
        index = rateSpaces.size() - 1;
      }
    }
    if (index >= 0) {
      timeline.level(RATE + index, perSecond);
    }
  }

  /** The run stopped early; only the first stop counts. */
  public synchronized void stopped(String reason, String message) {
    if (stop == null) {
      stop = new Stop(reason, message, timeline.secondsNow());
    }
  }

  /** An item ended (as recorded: in the ledger and the summary). */
  public void item(ItemResult r) {
    timeline.add(done.contains(r.outcome()) ? ITEMS_DONE : ITEMS_NOT_DONE, 1);
    if (r.attempts() > 0) {
      long ms = Math.max(0, r.latencyMs());
      latency.record(ms);
      bins.record(ms);
    }
    synchronized (this) {
      attempts += r.attempts();
      String space = r.spaceId() == null ? NO_SPACE : r.spaceId();
      if (!bySpace.containsKey(space) && bySpace.size() >= MAX_SPACES) {
        space = OTHER_SPACES;
      }
      bySpace.computeIfAbsent(space, s -> new long[Outcome.values().length])[r.outcome().ordinal()]++;
      if (!done.contains(r.outcome())) {
        String code = r.errorCode() != null ? r.errorCode() : "(" + r.outcome().wire() + ")";
        if (!errors.containsKey(code) && errors.size() >= MAX_CODES) {
          code = OTHER_CODES;
        }
        ErrorCount before = errors.get(code);
        errors.put(code, before == null
            ? new ErrorCount(code, 1, shorten(r.error()))
            : new ErrorCount(code, before.count() + 1, before.example()));
      }
    }
  }

  /** Nothing is in flight any more: the run has ended. */
  public void finished() {
    inFlight.set(0);
    timeline.level(IN_FLIGHT_NOW, 0);
  }

  /** A copy of everything recorded so far. */
  public synchronized ReportData data() {
    Map<String, long[]> spaces = new LinkedHashMap<>();
    bySpace.forEach((k, v) -> spaces.put(k, v.clone()));
    Map<String, Long> calls = new LinkedHashMap<>();
    answers.forEach((k, v) -> calls.merge(k.toString(), v[0], Long::sum));
    return new ReportData(timeline.snapshot(), latency.snapshot(), bins.snapshot(),
        spaces, List.copyOf(errors.values()), calls, List.copyOf(rateSpaces), attempts,
        settledFound, settledNotFound, stop);
  }

  static String causeName(RetryCause cause) {
    return switch (cause) {
      case RATE_LIMITED -> "429 rate limited";
      case SERVER_5XX -> "5xx";
      case TIMEOUT -> "timeout";
      case RESET -> "reset";
      case OTHER -> "other";
    };
  }

  private static String shorten(String message) {
    if (message == null) {
      return null;
    }
    String one = message.strip().replaceAll("\\s+", " ");
    return one.length() <= MAX_MESSAGE ? one : one.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
