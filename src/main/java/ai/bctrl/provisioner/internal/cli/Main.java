package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.ledger.LedgerException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import ai.bctrl.provisioner.internal.manifest.ManifestException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The executable: {@code java -jar provisioner.jar [run|validate|sandbox|teardown] ...}. Without a command
 * name the arguments are {@code run}'s, so {@code java -jar provisioner.jar manifest.csv} works.
 */
public final class Main {
  private static final Set<String> TOP_LEVEL =
      Set.of("run", "validate", "sandbox", "teardown", "help", "-h", "--help", "-V", "--version");

  private Main() {}

  public static void main(String[] args) {
    reactor.core.publisher.Hooks.onErrorDropped(e -> { });
    int code = execute(args, Io.system());
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** Runs one invocation and returns its exit code; never calls {@code System.exit}. */
  static int execute(String[] args, Io io) {
    CommandLine cl = commandLine(io);
    String[] effective = args.length > 0 && !TOP_LEVEL.contains(args[0]) ? prepend("run", args) : args;
    try {
      return cl.execute(effective);
    } finally {
      io.out().flush();
      io.err().flush();
    }
  }

  static CommandLine commandLine(Io io) {
    CommandLine cl = new CommandLine(new Top());
    cl.addSubcommand("run", new RunCommand(io));
    cl.addSubcommand("validate", new ValidateCommand(io));
    cl.addSubcommand("sandbox", new SandboxCommand(io));
    cl.addSubcommand("teardown", new TeardownCommand(io));
    cl.addSubcommand("help", new CommandLine.HelpCommand());
    cl.setOut(io.out());
    cl.setErr(io.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((ex, args) -> {
      String cmd = ex.getCommandLine().getCommandName();
      String where = ex.getCommandLine() == cl ? "" : " " + cmd;
      io.err().println("provisioner" + where + ": " + parameterProblem(ex)
          + "; see 'java -jar provisioner.jar" + where + " --help'");
      return ExitCodes.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      int code = codeOf(ex);
      if (code == ExitCodes.INTERNAL && !(ex instanceof RunFailedException)) {
        io.err().println("provisioner: internal error: " + describe(ex)
            + (io.debug() ? "" : "; rerun with PROVISIONER_DEBUG=1 for the stack trace and report it"));
        if (io.debug()) {
          ex.printStackTrace(io.err());
        }
      } else {
        io.err().println("provisioner: " + oneLine(ex.getMessage()));
      }
      return code;
    });
    return cl;
  }

  /**
   * Picocli's message, on one line without its final period. An unknown option is named alone, with
   * the nearest real one: picocli would also call the arguments after it unknown (in {@code
   * --concurency 3 m.csv}, {@code 3} is taken for MANIFEST and {@code m.csv} is left over).
   */
  static String parameterProblem(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u) {
      java.util.List<String> options = u.getUnmatched().stream()
          .filter(a -> a.startsWith("-") && a.length() > 1).toList();
      if (!options.isEmpty()) {
        java.util.List<String> near = u.getSuggestions();
        return (options.size() == 1 ? "Unknown option: " : "Unknown options: ")
            + String.join(", ", options.stream().map(o -> "'" + o + "'").toList())
            + (near.isEmpty() ? "" : " (did you mean " + near.get(0) + "?)");
      }
    }
    String m = oneLine(ex.getMessage());
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }

  static int codeOf(Throwable ex) {
    if (ex instanceof UsageException || ex instanceof LedgerException) {
      return ExitCodes.USAGE;
    }
    if (ex instanceof ManifestException || ex instanceof UnreadableLedgerException) {
      return ExitCodes.MANIFEST;
    }
    return ExitCodes.INTERNAL;
  }

  static String describe(Throwable ex) {
    String m = ex.getMessage();
    return ex.getClass().getSimpleName() + (m == null ? "" : ": " + oneLine(m));
  }

  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String first = s.strip().lines().findFirst().orElse("");
    return first;
  }

  private static String[] prepend(String first, String[] rest) {
    String[] out = new String[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  /** The top command: only help and version; the work is in its subcommands. */
  @Command(
      name = "java -jar provisioner.jar",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      description = {
        "Provisions bctrl browser runtimes from a manifest, reliably and resumably.",
        "",
        "  [run] [OPTIONS] MANIFEST     provision every item of MANIFEST",
        "  validate [OPTIONS] MANIFEST  check MANIFEST, print the plan; no network",
        "  sandbox [OPTIONS]            serve a simulated bctrl API on localhost",
        "  teardown [OPTIONS] LEDGER    stop and delete the runtimes a ledger records",
        "",
        "Try:  export PROXY_PASSWORD=demo-password",
        "      java -jar provisioner.jar --sandbox sample-data/runtimes.csv",
        "Help: java -jar provisioner.jar help run",
        ""
      },
      footer = {"", "Exit codes: 0 all done, 2 some items not done, 3 stopped early, 64 usage, 65 bad manifest or ledger, "
          + "130/143 interrupted, 1 internal error."})
  static final class Top implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Without a command or a manifest there is nothing to do: usage on stderr, exit 64. */
    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return ExitCodes.USAGE;
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"provisioner " + (v == null ? "(development build)" : v)
          + " (Java " + System.getProperty("java.version") + ")"};
    }
  }

  /**
   * The executable's logging, and only the executable's: the build adds its service file
   * ({@code src/cli/resources}) to {@code provisioner.jar} alone, so the library jar never
   * configures a host's Logback. Warnings and errors, one line each on standard error, no stack
   * traces, Netty and Reactor from ERROR, no Logback status lines; {@code PROVISIONER_LOG=debug}
   * (environment or system property) sets all three levels. Set in code: no XML to parse at
   * startup.
   */
  public static final class CliLogging extends ContextAwareBase implements Configurator {
    static final String PATTERN = "provisioner: %level %logger{20}: %msg%n%nopex";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
      String setting = System.getProperty("PROVISIONER_LOG", System.getenv("PROVISIONER_LOG"));
      configure(context, setting);
      return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Configures {@code context}; {@code setting} is a level name or null for the defaults. */
    static void configure(LoggerContext context, String setting) {
      context.getStatusManager().add(new NopStatusListener());
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern(PATTERN);
      encoder.start();
      ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
      stderr.setContext(context);
      stderr.setName("STDERR");
      stderr.setTarget("System.err");
      stderr.setEncoder(encoder);
      stderr.start();
      ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      root.setLevel(Level.toLevel(setting, Level.WARN));
      root.addAppender(stderr);
      context.getLogger("io.netty").setLevel(Level.toLevel(setting, Level.ERROR));
      context.getLogger("reactor").setLevel(Level.toLevel(setting, Level.ERROR));
    }
  }
}
