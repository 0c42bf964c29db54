package ai.bctrl.provisioner;

/**
 * The API answered 402 (concurrent runtime quota reached). The run started no further creates and
 * let the calls in flight finish.
 */
public final class QuotaExceededException extends ProvisioningStoppedException {
  public QuotaExceededException(String message) {
    super(message);
  }
}
