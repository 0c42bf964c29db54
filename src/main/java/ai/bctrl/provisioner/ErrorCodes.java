package ai.bctrl.provisioner;

/**
 * The {@code errorCode} values of {@link ItemResult} and {@link ProvisionerListener.AttemptEnded}
 * that the provisioner sets itself, next to the API's own codes (such as {@code request.invalid},
 * {@code rate_limited} or {@code browser.concurrent_quota_exceeded}), which it passes on as the API
 * sent them. Every provisioner code starts with {@code provisioner.}.
 */
public final class ErrorCodes {
  /** A later item of a run had a key an earlier item of the run had; it was not created. */
  public static final String DUPLICATE_KEY = "provisioner.duplicate_key";
  /** The item's create was uncertain and no listing could settle it: it may or may not exist. */
  public static final String UNSETTLED = "provisioner.unsettled";
  /**
   * With {@code noList} ({@code --no-list}): the item's create may or may not have happened and
   * nothing may check, so it is never repeated (at most once). Look for it in the space by hand.
   */
  public static final String UNSETTLED_NO_LIST = "provisioner.unsettled_no_list";
  /** A 2xx answer whose body was not a runtime (cut off, not JSON). */
  public static final String UNPARSEABLE_RESPONSE = "provisioner.unparseable_response";
  /** No connection could be made. */
  public static final String CONNECT_FAILED = "provisioner.connect_failed";
  /** The connection was reset or closed before the answer was complete. */
  public static final String CONNECTION_RESET = "provisioner.connection_reset";
  /** No answer within the request timeout. */
  public static final String TIMEOUT = "provisioner.timeout";
  /** Any other failure on the wire. */
  public static final String TRANSPORT_ERROR = "provisioner.transport_error";
  /** A failure inside the provisioner itself (a bug): the call's outcome is unknown. */
  public static final String INTERNAL_ERROR = "provisioner.internal_error";
  /** A manifest row that failed its checks (CLI ledgers only); it was never sent. */
  public static final String INVALID_ROW = "provisioner.invalid_row";

  private ErrorCodes() {}
}
