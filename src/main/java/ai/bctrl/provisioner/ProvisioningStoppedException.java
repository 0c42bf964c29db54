package ai.bctrl.provisioner;

/**
 * The run stopped early for a reason that concerns the whole run, not one item (the CLI exits 3).
 * Before {@link Provisioner#provision} errors with it, it has emitted an {@link Outcome#ABORTED}
 * result for every item that was in flight or waiting to retry. The message is one line, never
 * holding a secret.
 */
public abstract class ProvisioningStoppedException extends RuntimeException {
  /**
   * Makes the exception without a stack trace or cause: it reports a condition of the run, not a
   * fault in the code.
   *
   * @param message one line for a person: what happened and what to do; never holds a secret
   */
  protected ProvisioningStoppedException(String message) {
    super(message, null, false, false);
  }
}
