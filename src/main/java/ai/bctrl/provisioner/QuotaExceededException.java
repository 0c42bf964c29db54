package ai.bctrl.provisioner;

/**
 * The API answered 402 (concurrent runtime quota reached). The run started no further creates and
 * let the calls in flight finish.
 */
public final class QuotaExceededException extends ProvisioningStoppedException {
  /**
   * Made by the provisioner when it stops a run; public so that tests of code using a provisioner can
   * make one.
   *
   * @param message one line for a person: what happened and what to do; never holds a secret
   */
  public QuotaExceededException(String message) {
    super(message);
  }
}
