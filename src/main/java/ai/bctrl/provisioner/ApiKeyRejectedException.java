package ai.bctrl.provisioner;

/** The API answered 401 or 403: the key is wrong or lacks the right. The run stopped at once. */
public final class ApiKeyRejectedException extends ProvisioningStoppedException {
  public ApiKeyRejectedException(String message) {
    super(message);
  }
}
