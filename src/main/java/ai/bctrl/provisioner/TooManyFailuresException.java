package ai.bctrl.provisioner;

/**
 * {@code maxConsecutiveFailures} attempts in a row failed with no success between (the API looks
 * down). The run started no further calls and let the calls in flight finish.
 */
public final class TooManyFailuresException extends ProvisioningStoppedException {
  /**
   * Made by the provisioner when it stops a run; public so that tests of code using a provisioner can
   * make one.
   *
   * @param message one line for a person: what happened and what to do; never holds a secret
   */
  public TooManyFailuresException(String message) {
    super(message);
  }
}
