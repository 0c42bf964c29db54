/**
 * An optional Micrometer binding: {@link ai.bctrl.provisioner.micrometer.ProvisionerMetrics}, a
 * {@link ai.bctrl.provisioner.ProvisionerListener} that records meters. Only this package needs
 * Micrometer on the class path (an optional dependency); nothing else of the library loads it.
 */
package ai.bctrl.provisioner.micrometer;
