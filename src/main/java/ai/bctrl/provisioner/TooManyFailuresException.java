package ai.bctrl.provisioner;

/**
 * {@code maxConsecutiveFailures} attempts in a row failed with no success between (the API looks
 * down). The run started no further calls and let the calls in flight finish.
 */
public final class TooManyFailuresException extends ProvisioningStoppedException {
  public TooManyFailuresException(String message) {
    super(message);
  }
}
