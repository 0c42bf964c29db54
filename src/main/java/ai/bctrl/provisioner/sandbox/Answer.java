package ai.bctrl.provisioner.sandbox;

import java.util.HashMap;
import java.util.Map;

/**
 * An answer ready to send: status, body, content type and extra headers.
 *
 * @param applied true when the call that made it changed the store (a runtime created), so that a
 *     fault striking "after" ({@code reset-after}, {@code truncate}) knows there is something to lose
 */
record Answer(int status, byte[] body, String contentType, Map<String, String> headers, boolean applied) {
  static final String JSON = "application/json";

  Answer {
    headers = Map.copyOf(headers);
  }

  static Answer json(int status, byte[] body) {
    return new Answer(status, body, JSON, Map.of(), false);
  }

  /** This answer, marked as the answer of a call that changed the store. */
  Answer asApplied() {
    return new Answer(status, body, contentType, headers, true);
  }

  Answer withHeader(String name, String value) {
    Map<String, String> h = new HashMap<>(headers);
    h.put(name, value);
    return new Answer(status, body, contentType, h, applied);
  }
}
