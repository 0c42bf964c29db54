package ai.bctrl.provisioner;

/** Why an attempt was repeated, as counted in {@link ProvisionerStats#retries()}. */
public enum RetryCause {
  /** 429 {@code rate_limited}. */
  RATE_LIMITED,
  /** A 5xx answer (503 before anything was done, 500/502/504 after settling found nothing). */
  SERVER_5XX,
  /** No answer within the request timeout, or 408. */
  TIMEOUT,
  /** The connection was refused, reset or closed. */
  RESET,
  /** Anything else (409 whose runtime was not found, a 2xx that did not parse). */
  OTHER
}
