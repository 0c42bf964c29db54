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
 * @param cells CSV only: the cells as written; {@code null} for JSON
 * @param notAnObject for a JSON element that is not an object: the problem; else {@code null}
 */
record RawRow(
    long line,
    Map<String, Object> written,
    Map<String, Object> effective,
    List<Problem> problems,
    RawRow.Cells cells,
    String notAnObject) {

  /**
   * A CSV row's cells as written, found by their column's header (its dot path).
   *
   * @param index each column's index by header, shared by every row of the file
   * @param values the row's cells in column order
   */
  record Cells(Map<String, Integer> index, List<String> values) {
    /** The non-empty cell under {@code header}, or {@code null}. */
    String get(String header) {
      Integer i = index.get(header);
      if (i == null || i >= values.size()) {
        return null;
      }
      String cell = values.get(i);
      return cell.isEmpty() ? null : cell;
    }
  }
}
