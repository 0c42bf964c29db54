package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Overrides of a saved proxy; every field optional. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProxyOverrides(
    Affinity affinity, Geo geo, IpFamily ipFamily, PoolPreference poolPreference, ProxyProtocol protocol) {}
