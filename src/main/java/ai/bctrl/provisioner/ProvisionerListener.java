package ai.bctrl.provisioner;

import java.time.Duration;
import java.util.Objects;

/**
 * Observes a {@link Provisioner}'s work as it happens, without polling {@link Provisioner#stats()}:
 * each call attempt, each retry and settle, each item's end and the stop of a run. Register one or
 * more with {@link Provisioner.Builder#listener}; every method has an empty default, so implement
 * only what you need.
 *
 * <p><b>Threads.</b> A method is called on the thread where its event happens: a Reactor Netty event
 * loop for {@link #attemptEnded} (and usually {@link #itemEnded}), the provisioner's scheduler for
 * timers ({@link #retryScheduled} after a backoff, {@link #settled}), the thread that feeds items for
 * others. Events of different items arrive concurrently, so an implementation must be thread-safe;
 * it must also return quickly and never block (no I/O, no locks held for long): a blocked event loop
 * stalls every call on its connections. Hand slow work to your own executor or to a {@code
 * Sinks.Many}. An exception thrown by a listener is logged at WARN and otherwise ignored: it never
 * changes the run.
 *
 * <p>Events of one item arrive in order: {@code attemptStarted}, {@code attemptEnded}, then either
 * {@code retryScheduled} or a settle ({@code settled}) before the next attempt, and {@code itemEnded}
 * last. An item adopted from the first listing of its space has no attempt, only {@code itemEnded}.
 */
public interface ProvisionerListener {

  /**
   * A create call starts; {@code inFlight} counts it.
   *
   * @param event the item, the attempt's number and the calls in flight
   */
  default void attemptStarted(AttemptStarted event) {}

  /**
   * A create call ended: answered, failed on the wire, or timed out.
   *
   * @param event the answer's status and code, how long it took and what it means for the item
   */
  default void attemptEnded(AttemptEnded event) {}

  /**
   * An attempt will be repeated after {@code delay} (its backoff, or the 429 pause).
   *
   * @param event why, and how long until the next attempt
   */
  default void retryScheduled(RetryScheduled event) {}

  /**
   * A settle listing looked for an item whose create was uncertain.
   *
   * @param event the item and whether its runtime was found
   */
  default void settled(Settled event) {}

  /**
   * An item ended: the same result the {@code Flux} emits, called just before it is emitted.
   *
   * @param result the item's result
   */
  default void itemEnded(ItemResult result) {}

  /**
   * A run stopped before its input ended: a stop request, a fatal answer, a broken input, {@code close()}.
   *
   * @param event why, with a one-line message
   */
  default void runStopped(RunStopped event) {}

  /**
   * A learned rate limit changed ({@link Provisioner.Builder#autoRate()}): at once on a cut, and as
   * it climbs, whenever it has moved by a noticeable step since it was last reported. Never called
   * with a fixed rate.
   *
   * @param event the space and its new rate
   */
  default void rateChanged(RateChanged event) {}

  /**
   * A create call starts.
   *
   * @param key the item key
   * @param spaceId the item's space
   * @param attempt 1 for the first call of the item, then 2, 3, ... (429s included)
   * @param inFlight calls in flight on the provisioner, this one included
   */
  record AttemptStarted(String key, String spaceId, int attempt, int inFlight) {}

  /**
   * A create call ended.
   *
   * @param key the item key
   * @param spaceId the item's space
   * @param attempt which call of the item it was, 1-based
   * @param httpStatus the answer's status, or {@code null} when there was none (reset, timeout)
   * @param errorCode the API's error {@code code}, or a {@code provisioner.*} code (see {@link
   *     ErrorCodes}); {@code null} on success
   * @param cause why it may be repeated, or {@code null} when it succeeded or will not be repeated
   * @param elapsed from the call's start to its end
   * @param result what the answer means for the item
   */
  record AttemptEnded(
      String key,
      String spaceId,
      int attempt,
      Integer httpStatus,
      String errorCode,
      RetryCause cause,
      Duration elapsed,
      Result result) {

    /** What one call's answer means. */
    public enum Result {
      /** The runtime was created (healthy or not). */
      SUCCEEDED,
      /** Not processed by the API; repeated after a backoff (429, 503, reset before sending). */
      RETRYABLE,
      /** May or may not have been created: settled by listing before any new call. */
      UNCERTAIN,
      /** A 4xx that repeating will not fix; the item fails. */
      PERMANENT,
      /** The answer stops the run: key rejected (401/403) or quota reached (402). */
      FATAL
    }
  }

  /**
   * An attempt will be repeated.
   *
   * @param key the item key
   * @param spaceId the item's space
   * @param cause why
   * @param delay how long until the next attempt may start
   * @param nextAttempt the number the next attempt will have
   */
  record RetryScheduled(String key, String spaceId, RetryCause cause, Duration delay, int nextAttempt) {}

  /**
   * A settle listing looked for an uncertain item's key.
   *
   * @param key the item key
   * @param spaceId the item's space
   * @param found whether the runtime was there (then the item ends {@link Outcome#ADOPTED})
   */
  record Settled(String key, String spaceId, boolean found) {}

  /**
   * A run stopped early.
   *
   * @param reason why
   * @param message one line for a person
   */
  record RunStopped(Reason reason, String message) {
    /**
     * Makes the event.
     *
     * @param reason why, not {@code null}
     * @param message one line for a person
     * @throws NullPointerException when {@code reason} is {@code null}
     */
    public RunStopped {
      Objects.requireNonNull(reason, "reason");
    }

    /** Why a run stopped. */
    public enum Reason {
      /** The caller's stop publisher emitted (a signal, a deadline). */
      STOP_REQUESTED,
      /** 401/403: the key was rejected. */
      KEY_REJECTED,
      /** 402: the concurrent runtime quota is reached. */
      QUOTA_EXCEEDED,
      /** Too many failed attempts in a row. */
      TOO_MANY_FAILURES,
      /** The input {@code Flux} errored. */
      INPUT_FAILED,
      /** The provisioner was closed. */
      CLOSED
    }
  }

  /**
   * A learned rate changed.
   *
   * @param spaceId the space whose limit it is
   * @param rate calls per second it now allows
   */
  record RateChanged(String spaceId, double rate) {}
}
