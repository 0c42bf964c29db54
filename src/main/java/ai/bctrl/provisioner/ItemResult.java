package ai.bctrl.provisioner;

import ai.bctrl.provisioner.model.RuntimeStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * How one item ended: one ledger record. Field names and order are the ledger's columns.
 *
 * @param key the item key
 * @param line the manifest line, 0 if none
 * @param spaceId the space
 * @param name the runtime's name (as created, or as asked for), may be {@code null}
 * @param outcome how it ended
 * @param runtimeId the runtime's id when one was created or found, else {@code null}
 * @param status the runtime's status when known, else {@code null}
 * @param httpStatus the HTTP status of the last answer, or {@code null} when there was none
 * @param errorCode the API's error {@code code} (or a provisioner code such as
 *     {@code provisioner.timeout}), else {@code null}
 * @param error a one-line message with the API's {@code requestId} when known; never a secret
 * @param attempts create calls made for it in this run
 * @param latencyMs time from its first attempt's start to its end
 * @param finishedAt when it ended
 */
public record ItemResult(
    String key,
    long line,
    String spaceId,
    String name,
    Outcome outcome,
    String runtimeId,
    RuntimeStatus status,
    Integer httpStatus,
    String errorCode,
    String error,
    int attempts,
    long latencyMs,
    Instant finishedAt) {

  /**
   * Makes a result. The provisioner makes them; a caller makes them to read a ledger of its own
   * or to name runtimes for {@link Provisioner#teardown(reactor.core.publisher.Flux)}, which needs
   * {@code key}, {@code spaceId}, and {@code runtimeId} when known.
   *
   * @param key the item key, not {@code null}
   * @param line the manifest line, 0 if none
   * @param spaceId the space
   * @param name the runtime's name, or {@code null}
   * @param outcome how it ended, not {@code null}
   * @param runtimeId the runtime's id, or {@code null}
   * @param status the runtime's status, or {@code null}
   * @param httpStatus the last answer's HTTP status, or {@code null}
   * @param errorCode the error code, or {@code null}
   * @param error the one-line error message, or {@code null}
   * @param attempts calls made for it
   * @param latencyMs milliseconds from its first attempt's start to its end
   * @param finishedAt when it ended, or {@code null}
   * @throws NullPointerException when {@code key} or {@code outcome} is {@code null}
   */
  public ItemResult {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(outcome, "outcome");
  }
}
