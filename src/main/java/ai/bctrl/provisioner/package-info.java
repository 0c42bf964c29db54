/**
 * The provisioner's public API: {@link ai.bctrl.provisioner.Item} in, {@link
 * ai.bctrl.provisioner.ItemResult} out, each ending in an {@link ai.bctrl.provisioner.Outcome}.
 * {@link ai.bctrl.provisioner.Provisioner} does the work; {@link
 * ai.bctrl.provisioner.ProvisionerStats} shows it live; a {@link
 * ai.bctrl.provisioner.ProvisioningStoppedException} ends a run early. Everything else lives in
 * sub-packages; only the types here and in {@code model} are meant for library users. Nothing here
 * exits the JVM, installs signal handlers or shows the API key.
 */
package ai.bctrl.provisioner;
