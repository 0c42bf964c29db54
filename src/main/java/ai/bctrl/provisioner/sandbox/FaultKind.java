package ai.bctrl.provisioner.sandbox;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A failure the sandbox can inject into a share of calls ({@link SandboxConfig.Builder#faults}); {@link
 * #wire()} is its name in {@code --faults} and in the stats JSON. Creates can draw every kind; stops
 * and deletes every kind but {@link #FAILED}, where the kinds that create the runtime change it
 * instead.
 */
public enum FaultKind {
  /** 503 {@code runtime.host_unavailable}, answered before anything is created. */
  HTTP_503("503"),
  /** 500 {@code internal.error}, answered before anything is created. */
  HTTP_500("500"),
  /** 502 with an HTML body (as a proxy in front of the API would), before anything is created. */
  HTTP_502("502"),
  /** 429 {@code rate_limited} with {@code Retry-After: 1}, before anything is created. */
  HTTP_429("429"),
  /** The connection is dropped without an answer; nothing is created. */
  RESET_BEFORE("reset-before"),
  /** The runtime is created, then the connection is dropped without an answer. */
  RESET_AFTER("reset-after"),
  /** The request is kept unanswered for {@code --hold}, then the runtime is created anyway. */
  HOLD("hold"),
  /** The runtime is created and the 200 body is cut off (Content-Length promises more). */
  TRUNCATE("truncate"),
  /** A 200 whose runtime has {@code status: failed}. */
  FAILED("failed");

  private final String wire;

  FaultKind(String wire) {
    this.wire = wire;
  }

  /**
   * The kind's name in {@code --faults} and in the stats JSON.
   *
   * @return e.g. {@code 503} or {@code reset-after}
   */
  public String wire() {
    return wire;
  }

  /**
   * The kind named {@code wire}, as {@link #wire()} spells it.
   *
   * @param wire the name, e.g. {@code reset-after}; exact, case-sensitive
   * @return the kind
   * @throws IllegalArgumentException naming the known kinds when there is none
   */
  public static FaultKind of(String wire) {
    for (FaultKind k : values()) {
      if (k.wire.equals(wire)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown fault kind \"" + wire + "\"; kinds are " + names());
  }

  static String names() {
    return Arrays.stream(values()).map(FaultKind::wire).collect(Collectors.joining(", "));
  }
}
