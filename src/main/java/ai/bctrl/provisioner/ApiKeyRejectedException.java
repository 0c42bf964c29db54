package ai.bctrl.provisioner;

/** The API answered 401 or 403: the key is wrong or lacks the right. The run stopped at once. */
public final class ApiKeyRejectedException extends ProvisioningStoppedException {
  /**
   * Made by the provisioner when it stops a run; public so that tests of code using a provisioner can
   * make one.
   *
   * @param message one line for a person: what happened and what to do; never holds a secret
   */
  public ApiKeyRejectedException(String message) {
    super(message);
  }
}
