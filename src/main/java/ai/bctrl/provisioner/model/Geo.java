package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The geo override of a saved proxy; every field optional. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Geo(String city, String country, String isp, String region) {}
