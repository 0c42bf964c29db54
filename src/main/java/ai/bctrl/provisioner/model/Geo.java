package ai.bctrl.provisioner.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The geo override of a saved proxy: where its exit IP should be. Every field is optional.
 *
 * @param city the city, or {@code null}
 * @param country the country, or {@code null}
 * @param isp the internet provider, or {@code null}
 * @param region the region within the country, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Geo(String city, String country, String isp, String region) {}
