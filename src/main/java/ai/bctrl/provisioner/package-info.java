/**
 * The provisioner's public API: {@link ai.bctrl.provisioner.Item} in, {@link
 * ai.bctrl.provisioner.ItemResult} out, each ending in an {@link ai.bctrl.provisioner.Outcome}.
 * Everything else lives in sub-packages; only the types here and in {@code model} are meant for
 * library users.
 */
package ai.bctrl.provisioner;
