package ai.bctrl.provisioner.internal.manifest;

import java.util.List;
import java.util.Map;

/**
 * One row as read, before defaults and checks.
 *
 * @param line the physical line the row starts on (1-based)
 * @param written the row as written, typed (CSV cells converted where they convert), before
 *     interpolation; {@code null} when the element is not an object
 * @param effective the row after {@code ${NAME}} interpolation (and, for CSV, type conversion)
 * @param problems what interpolation found wrong
 * @param cells CSV only: each non-empty cell as written, by dot path; {@code null} for JSON
 * @param notAnObject for a JSON element that is not an object: the problem; else {@code null}
 */
record RawRow(
    long line,
    Map<String, Object> written,
    Map<String, Object> effective,
    List<Problem> problems,
    Map<String, String> cells,
    String notAnObject) {}
