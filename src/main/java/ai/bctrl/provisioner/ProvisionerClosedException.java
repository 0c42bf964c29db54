package ai.bctrl.provisioner;

/**
 * The {@link Provisioner} was closed while this run or create was going: calls in flight were cut,
 * every started, unfinished item was emitted {@link Outcome#ABORTED}, and then the run errored with
 * this. A run or create subscribed after {@code close()} errors with it at once, sending nothing.
 */
public final class ProvisionerClosedException extends ProvisioningStoppedException {
  /**
   * Made by the provisioner when it stops a run; public so that tests of code using a provisioner can
   * make one.
   *
   * @param message one line for a person: what happened and what to do; never holds a secret
   */
  public ProvisionerClosedException(String message) {
    super(message);
  }
}
