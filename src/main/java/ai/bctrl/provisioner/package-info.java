/**
 * The provisioner's public API: {@link ai.bctrl.provisioner.Item} in, {@link
 * ai.bctrl.provisioner.ItemResult} out, each ending in an {@link ai.bctrl.provisioner.Outcome}.
 * {@link ai.bctrl.provisioner.Provisioner} does the work; {@link
 * ai.bctrl.provisioner.ProvisionerListener} observes it as it happens and {@link
 * ai.bctrl.provisioner.ProvisionerStats} shows its counters; a {@link
 * ai.bctrl.provisioner.ProvisioningStoppedException} ends a run early; {@link
 * ai.bctrl.provisioner.ErrorCodes} names the error codes the provisioner sets itself.
 *
 * <p>The public API is this package, {@code model} (the API's data), {@code micrometer} (an
 * optional metrics binding) and the sandbox's entry points ({@code SandboxServer}, {@code
 * SandboxConfig}, {@code SandboxStats}, {@code FaultKind}). Everything under {@code internal} may
 * change in any release and is not for library users. Nothing here exits the JVM, installs signal
 * handlers or shows the API key.
 */
package ai.bctrl.provisioner;
