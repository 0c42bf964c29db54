package ai.bctrl.provisioner.internal.manifest;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** CSV rows: the header names dot-path columns; each later record is one row. */
final class CsvRowSource implements RowSource {
  private final InputStream stream;
  private final CsvTokenizer csv;
  private final String file;
  private final Map<String, String> env;
  private final List<Columns.Column> columns = new ArrayList<>();
  /** Each column's index by header name, made once for the file: how a cell is found as written. */
  private final Map<String, Integer> columnIndex = new HashMap<>();

  CsvRowSource(InputStream stream, String file, Map<String, String> env) {
    this.stream = stream;
    this.file = file;
    this.env = env;
    this.csv = new CsvTokenizer(stream, file);
    header();
  }

  private void header() {
    List<String> names;
    do {
      names = csv.next();
      if (names == null) {
        throw new ManifestException(file + ":1: the file is empty; a CSV manifest starts with a header row"
            + " of column names such as name,config.stealth,count");
      }
    } while (blank(names));
    long line = csv.recordLine();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).trim();
      if (name.isEmpty()) {
        throw new ManifestException(file + ":" + line + ": column " + (i + 1)
            + " of the header has no name; name it or remove the column");
      }
      Columns.Column c = Columns.of(name);
      if (c == null) {
        String near = Columns.nearestColumn(name);
        throw new ManifestException(file + ":" + line + ": unknown column " + Trees.quote(name)
            + (near != null ? "; did you mean \"" + near + "\"?" : "; known columns: " + Columns.list()));
      }
      if (name.equals("metadata.provisionerKey")) {
        throw new ManifestException(file + ":" + line + ": column \"metadata.provisionerKey\" is set by the"
            + " provisioner (the item key); remove it, or use the key column");
      }
      if (!seen.add(name)) {
        throw new ManifestException(file + ":" + line + ": column " + Trees.quote(name)
            + " appears twice in the header; remove one");
      }
      columnIndex.put(c.header(), columns.size());
      columns.add(c);
    }
  }

  private static boolean blank(List<String> cells) {
    for (String c : cells) {
      if (!c.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public RawRow next() {
    List<String> cells;
    do {
      cells = csv.next();
      if (cells == null) {
        return null;
      }
    } while (blank(cells));
    long line = csv.recordLine();
    Map<String, Object> written = new LinkedHashMap<>();
    // the same map as written until a cell holds a ${NAME}: then a copy goes its own way
    Map<String, Object> effective = null;
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      if (cell.isEmpty()) {
        continue;
      }
      if (i >= columns.size()) {
        problems.add(new Problem(null, "has " + nonEmptyWidth(cells) + " cells but the header has "
            + columns.size() + " columns; quote cells that hold commas"));
        break;
      }
      Columns.Column c = columns.get(i);
      String var = Interpolation.variable(cell);
      Object typed = var != null ? cell : Columns.convert(cell, c.type());
      if (var != null && effective == null) {
        effective = Trees.copyObjects(written);
      }
      Trees.put(written, c.path(), typed);
      if (var == null) {
        if (effective != null) {
          Trees.put(effective, c.path(), typed);
        }
      } else {
        String value = env.get(var);
        if (value == null) {
          problems.add(Interpolation.missing(c.header(), var));
        } else {
          Trees.put(effective, c.path(), Columns.convert(value, c.type()));
        }
      }
    }
    return new RawRow(line, written, effective != null ? effective : written, problems,
        new RawRow.Cells(columnIndex, cells), null);
  }

  private static int nonEmptyWidth(List<String> cells) {
    int n = cells.size();
    while (n > 0 && cells.get(n - 1).isEmpty()) {
      n--;
    }
    return n;
  }

  @Override
  public void close() {
    try {
      stream.close();
    } catch (java.io.IOException e) {
      // nothing was written; nothing to lose
    }
  }
}
