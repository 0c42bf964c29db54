package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.model.BrowserRuntime;
import java.util.Map;

/**
 * A space's runtimes by {@code metadata.provisionerKey}, from one complete listing.
 *
 * @param startedNanos when the listing started, on the engine scheduler's clock
 * @param byKey runtimes carrying a provisioner key (the first seen wins)
 */
public record Listing(long startedNanos, Map<String, BrowserRuntime> byKey) {
  public Listing {
    byKey = Map.copyOf(byKey);
  }
}
