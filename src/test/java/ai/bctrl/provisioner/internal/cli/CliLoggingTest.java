package ai.bctrl.provisioner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The executable's Logback setup: same lines as its former logback.xml. */
class CliLoggingTest {

  /** Logs through a fresh context configured with {@code setting}; returns standard error. */
  static String logWith(String setting) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // what Logback's SLF4J provider sets
    Main.CliLogging.configure(context, setting);
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      Logger own = context.getLogger("ai.bctrl.provisioner.internal.engine.Engine");
      own.info("an info line");
      own.warn("a warning", new IllegalStateException("no stack trace please"));
      context.getLogger("io.netty.channel.DefaultChannelPipeline").warn("netty chatter");
      context.getLogger("reactor.netty.http.client.HttpClient").debug("reactor debug");
      context.getLogger("reactor.core.publisher.Operators").error("reactor error");
    } finally {
      System.setErr(saved);
      context.stop();
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void byDefaultWarningsOneLineEachAndNettyAndReactorOnlyFromError() {
    assertThat(logWith(null)).isEqualTo(String.join(System.lineSeparator(),
        "provisioner: WARN a.b.p.i.e.Engine: a warning",
        "provisioner: ERROR r.c.p.Operators: reactor error",
        ""));
  }

  @Test
  void provisionerLogSetsEveryLevel() {
    assertThat(logWith("debug").lines()).containsExactly(
        "provisioner: INFO a.b.p.i.e.Engine: an info line",
        "provisioner: WARN a.b.p.i.e.Engine: a warning",
        "provisioner: WARN i.n.c.DefaultChannelPipeline: netty chatter",
        "provisioner: DEBUG r.n.h.c.HttpClient: reactor debug",
        "provisioner: ERROR r.c.p.Operators: reactor error");
  }

  @Test
  void theCliServiceFileNamesThisConfigurator() throws Exception {
    Path service = Path.of("src/cli/resources/META-INF/services/" + Configurator.class.getName());
    String name = Files.readString(service).strip();
    assertThat(Configurator.class.isAssignableFrom(Class.forName(name))).isTrue();
    assertThat(Main.CliLogging.class.getName()).isEqualTo(name);
  }
}
