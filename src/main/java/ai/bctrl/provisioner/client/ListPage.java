package ai.bctrl.provisioner.client;

import ai.bctrl.provisioner.model.Runtime;
import java.util.List;

/**
 * One page of a space's runtimes.
 *
 * @param runtimes the page's runtimes (elements that did not parse as a runtime are left out)
 * @param nextCursor the cursor of the next page, or {@code null} on the last
 */
public record ListPage(List<Runtime> runtimes, String nextCursor) {
  public ListPage {
    runtimes = List.copyOf(runtimes);
  }
}
