package ai.bctrl.provisioner;

/**
 * The API has no route to list a space's runtimes at the configured base URL (a listing answered
 * 404, 405 or 501), or the space does not exist. The provisioner lists a space before its first
 * create there (to adopt what exists) and to settle a create whose answer was lost, so without
 * that route it cannot keep its promise never to create twice: the run stops at once. Check the
 * base URL and the space; for an API that really cannot list, build the provisioner with {@link
 * Provisioner.Builder#noList(boolean) noList(true)} (at most once instead of exactly once).
 */
public final class NoListRouteException extends ProvisioningStoppedException {
  /**
   * Made by the provisioner when it stops a run; public so that tests of code using a provisioner can
   * make one.
   *
   * @param message one line for a person: what happened and what to do; never holds a secret
   */
  public NoListRouteException(String message) {
    super(message);
  }
}
