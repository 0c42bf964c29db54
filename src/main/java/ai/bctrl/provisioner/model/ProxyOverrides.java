package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Overrides of a saved proxy for one runtime; every field optional.
 *
 * @param affinity whether the exit IP rotates or sticks, or {@code null}
 * @param geo where the exit IP should be, or {@code null}
 * @param ipFamily IPv4 only or dual-stack, or {@code null}
 * @param poolPreference which IP pool to draw from, or {@code null}
 * @param protocol how to speak to the proxy, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProxyOverrides(
    Affinity affinity, Geo geo, IpFamily ipFamily, PoolPreference poolPreference, ProxyProtocol protocol) {}
