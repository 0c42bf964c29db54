package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.client.Warmup;
import ai.bctrl.provisioner.internal.ledger.LedgerException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
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
    // Netty's flight-recorder events for buffers, unless asked for (-Dio.netty.jfr.enabled=true):
    // on, they load and generate some 100 classes on the event loop as the first request goes out
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    warmUpIfItWillCall(args);
    reactor.core.publisher.Hooks.onErrorDropped(e -> { });
    int code = execute(args, Io.system());
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /**
   * For a run or a teardown (the invocations that call the API), starts warming the HTTP client and
   * the JSON up on two daemon threads, so that they overlap with reading flags, manifest and ledger
   * on this one: on a machine with a core to spare, the first request goes out sooner. Help,
   * version, validate, a dry run and the sandbox skip it. A third keeps the JVM on its quick
   * compiler ({@link QuickCompiler}).
   */
  static void warmUpIfItWillCall(String[] args) {
    String command = args.length == 0 ? "" : args[0];
    boolean calls = command.equals("run") || command.equals("teardown") || !TOP_LEVEL.contains(command);
    for (String a : args) {
      if (a.equals("--dry-run") || a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
        calls = false;
      }
    }
    if (calls && args.length > 0) {
      start(Warmup::http, "warm-up-http");
      start(Warmup::json, "warm-up-json");
      start(QuickCompiler::limit, "quick-compiler");
    }
  }

  private static void start(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.setPriority(Thread.NORM_PRIORITY - 1);
    t.start();
  }

  /** Runs one invocation and returns its exit code; never calls {@code System.exit}. */
  static int execute(String[] args, Io io) {
    String[] effective = args.length > 0 && !TOP_LEVEL.contains(args[0]) ? prepend("run", args) : args;
    CommandLine cl = commandLine(io, effective.length > 0 ? effective[0] : "");
    try {
      return cl.execute(effective);
    } finally {
      io.out().flush();
      io.err().flush();
    }
  }

  static CommandLine commandLine(Io io) {
    return commandLine(io, "");
  }

  /**
   * The command line; with {@code only} one of the four commands, that command alone under the top
   * one. Picocli reads a command's annotations by reflection when it is added, and the four take
   * some 0.1 s of a run's start that a run does not need: help, version and no command at all get
   * them all.
   */
  static CommandLine commandLine(Io io, String only) {
    CommandLine cl = new CommandLine(new Top());
    boolean all = !Set.of("run", "validate", "sandbox", "teardown").contains(only);
    if (all || only.equals("run")) {
      cl.addSubcommand("run", new RunCommand(io));
    }
    if (all || only.equals("validate")) {
      cl.addSubcommand("validate", new ValidateCommand(io));
    }
    if (all || only.equals("sandbox")) {
      cl.addSubcommand("sandbox", new SandboxCommand(io));
    }
    if (all || only.equals("teardown")) {
      cl.addSubcommand("teardown", new TeardownCommand(io));
    }
    if (all) {
      cl.addSubcommand("help", new CommandLine.HelpCommand());
    }
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
   * configures a host's Logback. Warnings and errors, one line each on standard error ({@code
   * provisioner: LEVEL logger: message}, the logger's name shortened to about 20 characters), no
   * stack traces, Netty and Reactor from ERROR, no Logback status lines; {@code PROVISIONER_LOG=debug}
   * (environment or system property) sets all three levels. Set in code with a layout of its own:
   * no XML to parse and no pattern to compile, which would load some 110 of Logback's classes
   * before the first request.
   */
  public static final class CliLogging extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
      String setting = System.getProperty("PROVISIONER_LOG", System.getenv("PROVISIONER_LOG"));
      configure(context, setting);
      return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Configures {@code context}; {@code setting} is a level name or null for the defaults. */
    static void configure(LoggerContext context, String setting) {
      context.getStatusManager().add(new NopStatusListener());
      OneLine layout = new OneLine();
      layout.setContext(context);
      layout.start();
      LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
      encoder.setContext(context);
      encoder.setLayout(layout);
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

    /** {@code provisioner: %level %logger{20}: %msg%n}, and never the exception's stack trace. */
    static final class OneLine extends LayoutBase<ILoggingEvent> {
      private final TargetLengthBasedClassNameAbbreviator names = new TargetLengthBasedClassNameAbbreviator(20);

      @Override
      public String doLayout(ILoggingEvent event) {
        return "provisioner: " + event.getLevel() + " " + names.abbreviate(event.getLoggerName()) + ": "
            + event.getFormattedMessage() + CoreConstants.LINE_SEPARATOR;
      }
    }
  }
}
