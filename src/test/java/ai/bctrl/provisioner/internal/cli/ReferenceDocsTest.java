package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ai.bctrl.provisioner.internal.Durations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The flag tables of {@code docs/reference.md} cannot drift from the code: for every command
 * {@link Main} wires, the table after {@code <!-- flags: NAME -->} has one row per option (all its
 * names, and its parameter label) and per positional parameter, no row the code lacks, and the
 * default picocli declares, where it declares one. Each failure names the file, line, command and
 * flag to fix.
 */
class ReferenceDocsTest {
  static final Path REFERENCE = Path.of("docs", "reference.md");

  @Test
  void everyCommandsTableInTheReferenceMatchesItsOptionsAndDefaults() throws IOException {
    List<String> problems = check(Main.commandLine(quietIo()), Files.readString(REFERENCE), REFERENCE.toString());
    if (!problems.isEmpty()) {
      fail(problems.size() + " difference(s) between the code's commands and " + REFERENCE + ":\n  "
          + String.join("\n  ", problems));
    }
  }

  @Test
  void namesTheFileLineAndFlagOfEachDifference() {
    String doc = String.join("\n",
        "# toy",
        "",
        "<!-- flags: toy -->",
        "| option | meaning | default |",
        "| --- | --- | --- |",
        "| `SOURCE` | what to read | required |",
        "| `-q` | quiet | off |",
        "| `--rate RATE` | starts per second | `8` |",
        "| `--timeout D` | bound | `1m` |",
        "| `--format csv\\|json` | format | `\"csv\"` |",
        "| `--no-list` | not in the code | off |",
        "",
        "<!-- flags: gone -->",
        "| option | meaning | default |",
        "| --- | --- | --- |",
        "");
    CommandLine toy = new CommandLine(new Toy());

    List<String> problems = check(toy, doc, "docs/toy.md");

    assertThat(problems).containsExactlyInAnyOrder(
        "docs/toy.md:7: command `toy`: the row lists `-q` but the option's names are `-q, --quiet`; list them all",
        "docs/toy.md:8: command `toy`: `--rate` takes `R` in the code, the row says `RATE`; write `--rate R`",
        "docs/toy.md:8: command `toy`: `--rate` defaults to `10` in the code, the row says `8`; write `10`",
        "docs/toy.md:11: command `toy`: `--no-list` is not an option of `toy` in the code; remove the row, or add the option",
        "docs/toy.md:4: command `toy`: no row for `--ledger PATH` (Toy); add `| `--ledger PATH` | ... | none |`",
        "docs/toy.md:13: `<!-- flags: gone -->` names no command of the code; remove it and its table, or add the command");
  }

  /** A command to test the checker with; {@code --timeout 60s} matches {@code 1m}, {@code csv} matches {@code "csv"}. */
  @Command(name = "toy")
  static final class Toy {
    @Parameters(paramLabel = "SOURCE") String source;
    @Option(names = {"-q", "--quiet"}) boolean quiet;
    @Option(names = "--rate", paramLabel = "R", defaultValue = "10") double rate;
    @Option(names = "--timeout", paramLabel = "D", defaultValue = "60s") String timeout;
    @Option(names = "--format", paramLabel = "csv|json", defaultValue = "csv") String format;
    @Option(names = "--ledger", paramLabel = "PATH") Path ledger;
  }

  // ---- the check ----------------------------------------------------------------------------

  private static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*flags:\\s*(.+?)\\s*-->\\s*$");
  private static final Pattern CODE = Pattern.compile("`([^`]*)`");
  private static final Pattern BARE_VALUE = Pattern.compile("\"[^\"]*\"|[0-9][0-9.]*[a-zA-Z]*");

  /** One row of a flag table: the names (options) or label (positional) it lists, its parameter label and default. */
  record Row(int line, List<String> names, String label, String defaultCell) {
    boolean positional() {
      return !names.get(0).startsWith("-");
    }
  }

  /** A table after its marker. */
  record Table(int markerLine, int headerLine, List<Row> rows) {}

  /** Every difference between the commands of {@code root} (itself and its subcommands) and the tables of {@code markdown}. */
  static List<String> check(CommandLine root, String markdown, String file) {
    List<String> problems = new ArrayList<>();
    Map<String, Table> tables = tables(markdown, file, problems);
    Set<String> commands = new LinkedHashSet<>();
    for (CommandLine cl : commandsOf(root)) {
      String name = cl.getCommandName();
      commands.add(name);
      Table table = tables.get(name);
      if (table == null) {
        problems.add(file + ": no flag table for command `" + name + "` (" + cl.getCommand().getClass().getSimpleName()
            + "); add `<!-- flags: " + name + " -->` and under it a table `| option | meaning | default |` with a row"
            + " for each of: " + String.join("; ", everyArg(cl.getCommandSpec())));
        continue;
      }
      checkTable(cl, table, file, problems);
    }
    for (Map.Entry<String, Table> e : tables.entrySet()) {
      if (!commands.contains(e.getKey())) {
        problems.add(file + ":" + e.getValue().markerLine() + ": `<!-- flags: " + e.getKey()
            + " -->` names no command of the code; remove it and its table, or add the command");
      }
    }
    return problems;
  }

  private static List<CommandLine> commandsOf(CommandLine cl) {
    List<CommandLine> out = new ArrayList<>();
    out.add(cl);
    for (CommandLine sub : new LinkedHashSet<>(cl.getSubcommands().values())) {
      out.addAll(commandsOf(sub));
    }
    return out;
  }

  private static void checkTable(CommandLine cl, Table table, String file, List<String> problems) {
    CommandSpec spec = cl.getCommandSpec();
    String cmd = cl.getCommandName();
    String where = " command `" + cmd + "`: ";
    Set<Row> matched = new LinkedHashSet<>();
    for (OptionSpec o : spec.options()) {
      if (o.hidden()) {
        continue;
      }
      List<Row> rows = table.rows().stream()
          .filter(r -> !r.positional() && r.names().stream().anyMatch(n -> List.of(o.names()).contains(n)))
          .toList();
      if (rows.isEmpty()) {
        problems.add(file + ":" + table.headerLine() + ":" + where + "no row for `" + usage(o) + "` ("
            + declaredIn(o, cl) + "); add `| `" + usage(o).replace("|", "\\|") + "` | ... | " + docDefault(o) + " |`");
        continue;
      }
      if (rows.size() > 1) {
        problems.add(file + ":" + rows.get(1).line() + ":" + where + "`" + o.longestName()
            + "` has a row at line " + rows.get(0).line() + " already; keep one");
      }
      Row row = rows.get(0);
      matched.addAll(rows);
      Set<String> codeNames = new LinkedHashSet<>(List.of(o.names()));
      if (!codeNames.equals(new LinkedHashSet<>(row.names()))) {
        problems.add(file + ":" + row.line() + ":" + where + "the row lists `" + String.join(", ", row.names())
            + "` but the option's names are `" + String.join(", ", o.names()) + "`; list them all");
      }
      String label = label(o);
      if (!label.equals(row.label())) {
        problems.add(file + ":" + row.line() + ":" + where + "`" + o.longestName() + "` takes "
            + (label.isEmpty() ? "no value" : "`" + label + "`") + " in the code, the row says "
            + (row.label().isEmpty() ? "none" : "`" + row.label() + "`") + "; write `" + usage(o) + "`");
      }
      checkDefault(o, o.longestName(), row, file + ":" + row.line() + ":" + where, problems);
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (p.hidden()) {
        continue;
      }
      List<Row> rows = table.rows().stream()
          .filter(r -> r.positional() && r.names().get(0).equals(p.paramLabel())).toList();
      if (rows.isEmpty()) {
        problems.add(file + ":" + table.headerLine() + ":" + where + "no row for the parameter `" + p.paramLabel()
            + "`; add `| `" + p.paramLabel() + "` | ... | " + docDefault(p) + " |`");
        continue;
      }
      matched.addAll(rows);
      checkDefault(p, p.paramLabel(), rows.get(0), file + ":" + rows.get(0).line() + ":" + where, problems);
    }
    for (Row r : table.rows()) {
      if (!matched.contains(r)) {
        String what = r.positional() ? "the parameter `" + r.names().get(0) + "`" : "`" + String.join(", ", r.names()) + "`";
        problems.add(file + ":" + r.line() + ":" + where + what + " is not "
            + (r.positional() ? "a parameter" : "an option") + " of `" + cmd
            + "` in the code; remove the row, or add the " + (r.positional() ? "parameter" : "option"));
      }
    }
  }

  private static void checkDefault(ArgSpec arg, String name, Row row, String at, List<String> problems) {
    String code = arg.defaultValue();
    String doc = docValue(row.defaultCell());
    if (code == null) {
      if (doc != null) {
        problems.add(at + "`" + name + "` has no default in the code, the row says `" + doc
            + "`; write none, or say in words where the value comes from");
      }
    } else if (doc == null) {
      problems.add(at + "`" + name + "` defaults to `" + code + "` in the code, the row says \""
          + row.defaultCell() + "\"; write `" + code + "`");
    } else if (!sameValue(code, doc)) {
      problems.add(at + "`" + name + "` defaults to `" + code + "` in the code, the row says `" + doc
          + "`; write `" + code + "`");
    }
  }

  /**
   * The value a default cell states: its leading code span, or a bare quoted string, number or
   * duration; {@code null} for none/off/empty or words ("random, printed at start").
   */
  static String docValue(String cell) {
    String c = cell.strip();
    Matcher m = CODE.matcher(c);
    if (m.lookingAt()) {
      return m.group(1);
    }
    return BARE_VALUE.matcher(c).matches() ? c : null;
  }

  /** {@code 8} is {@code "8"} and {@code 8.0}; {@code 60s} is {@code 1m}. */
  static boolean sameValue(String code, String doc) {
    String a = unquote(code.strip());
    String b = unquote(doc.strip());
    if (a.equals(b)) {
      return true;
    }
    try {
      return new BigDecimal(a).compareTo(new BigDecimal(b)) == 0;
    } catch (NumberFormatException e) {
      // not numbers
    }
    try {
      Duration x = Durations.parse(a);
      Duration y = Durations.parse(b);
      return x.equals(y);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  private static String label(OptionSpec o) {
    return o.arity().max() == 0 ? "" : o.paramLabel();
  }

  private static String usage(OptionSpec o) {
    String label = label(o);
    return String.join(", ", o.names()) + (label.isEmpty() ? "" : " " + label);
  }

  private static String docDefault(ArgSpec a) {
    if (a.defaultValue() != null) {
      return "`" + a.defaultValue() + "`";
    }
    return a instanceof OptionSpec o && o.arity().max() == 0 ? "off" : "none";
  }

  private static List<String> everyArg(CommandSpec spec) {
    List<String> out = new ArrayList<>();
    spec.positionalParameters().stream().filter(p -> !p.hidden()).forEach(p -> out.add(p.paramLabel()));
    spec.options().stream().filter(o -> !o.hidden()).forEach(o -> out.add(usage(o)));
    return out;
  }

  private static String declaredIn(OptionSpec o, CommandLine cl) {
    return o.userObject() instanceof Field f ? f.getDeclaringClass().getSimpleName()
        : cl.getCommand().getClass().getSimpleName();
  }

  /** The tables after {@code <!-- flags: NAME -->} markers, by NAME. */
  static Map<String, Table> tables(String markdown, String file, List<String> problems) {
    Map<String, Table> out = new LinkedHashMap<>();
    List<String> lines = markdown.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = MARKER.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      String name = m.group(1);
      int markerLine = i + 1;
      int j = i + 1;
      while (j < lines.size() && lines.get(j).isBlank()) {
        j++;
      }
      if (j >= lines.size() || !lines.get(j).strip().startsWith("|")) {
        problems.add(file + ":" + markerLine + ": `<!-- flags: " + name + " -->` is not followed by a table");
        continue;
      }
      int headerLine = j + 1;
      List<String> header = cells(lines.get(j));
      if (header.size() < 3 || !header.get(2).strip().equalsIgnoreCase("default")) {
        problems.add(file + ":" + headerLine + ": the flag table of `" + name
            + "` needs the columns | option | meaning | default |");
      }
      j += 2; // header and its | --- | line
      List<Row> rows = new ArrayList<>();
      for (; j < lines.size() && lines.get(j).strip().startsWith("|"); j++) {
        Row row = row(lines.get(j), j + 1, file, problems);
        if (row != null) {
          rows.add(row);
        }
      }
      if (out.put(name, new Table(markerLine, headerLine, rows)) != null) {
        problems.add(file + ":" + markerLine + ": a second table for `" + name + "`; keep one");
      }
    }
    return out;
  }

  private static Row row(String text, int line, String file, List<String> problems) {
    List<String> cells = cells(text);
    if (cells.size() < 3) {
      problems.add(file + ":" + line + ": a flag table row needs three cells: option, meaning, default");
      return null;
    }
    Matcher m = CODE.matcher(cells.get(0));
    List<String> names = new ArrayList<>();
    String label = "";
    while (m.find()) {
      for (String part : m.group(1).split(",")) {
        String p = part.strip();
        if (p.isEmpty()) {
          continue;
        }
        int space = p.indexOf(' ');
        if (p.startsWith("-") && space > 0) {
          names.add(p.substring(0, space));
          label = p.substring(space + 1).strip();
        } else {
          names.add(p);
        }
      }
    }
    if (names.isEmpty()) {
      problems.add(file + ":" + line + ": the first cell names no option in `code`: " + cells.get(0).strip());
      return null;
    }
    return new Row(line, names, label, cells.get(2));
  }

  /** The cells of a table line: split at {@code |} but not at {@code \|}, which stands for {@code |}. */
  static List<String> cells(String line) {
    String s = line.strip();
    if (s.startsWith("|")) {
      s = s.substring(1);
    }
    if (s.endsWith("|") && !s.endsWith("\\|")) {
      s = s.substring(0, s.length() - 1);
    }
    List<String> out = new ArrayList<>();
    for (String c : s.split("(?<!\\\\)\\|", -1)) {
      out.add(c.replace("\\|", "|").strip());
    }
    return out;
  }

  private static Io quietIo() {
    return new Io(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        new ByteArrayInputStream(new byte[0]), Map.of(), Path.of("").toAbsolutePath(), false);
  }
}
