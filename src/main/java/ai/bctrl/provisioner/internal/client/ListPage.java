package ai.bctrl.provisioner.internal.client;

import ai.bctrl.provisioner.model.BrowserRuntime;
import java.util.List;

/**
 * One page of a space's runtimes.
 *
 * @param runtimes the page's runtimes (elements that did not parse as a runtime are left out)
 * @param nextCursor the cursor of the next page, or {@code null} on the last
 */
public record ListPage(List<BrowserRuntime> runtimes, String nextCursor) {
  public ListPage {
    runtimes = List.copyOf(runtimes);
  }
}
