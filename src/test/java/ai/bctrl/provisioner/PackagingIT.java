package ai.bctrl.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * What the two jars hold. The library jar: our classes with Jackson relocated under {@code
 * ai.bctrl.provisioner.internal.shaded.jackson} (multi-release variants and service files
 * included) and no logging configuration. The executable jar: that plus its runtime dependencies,
 * the CLI's Logback setup, and no native QUIC libraries nor Micrometer. The consumer projects under {@code
 * src/it} check what a user of the installed artifact gets.
 */
class PackagingIT {
  static final String SHADED = "ai/bctrl/provisioner/internal/shaded/jackson/";
  static final String CONFIGURATOR = "META-INF/services/ch.qos.logback.classic.spi.Configurator";

  static JarFile jar(String property) throws IOException {
    String path = System.getProperty(property);
    assertThat(path).as("failsafe passes -D" + property).isNotBlank();
    return new JarFile(path);
  }

  static List<String> names(JarFile jar) {
    List<String> names = new ArrayList<>();
    for (ZipEntry e : Collections.list(jar.entries())) {
      names.add(e.getName());
    }
    return names;
  }

  static String text(JarFile jar, String name) throws IOException {
    ZipEntry e = jar.getEntry(name);
    assertThat(e).as(name).isNotNull();
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Class files whose bytes still name an unrelocated Jackson type. */
  static List<String> unrelocatedReferences(JarFile jar) throws IOException {
    List<String> found = new ArrayList<>();
    for (ZipEntry e : Collections.list(jar.entries())) {
      if (e.getName().endsWith(".class")) {
        try (InputStream in = jar.getInputStream(e)) {
          String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
          if (bytes.contains("tools/jackson/") || bytes.contains("com/fasterxml/jackson/")) {
            found.add(e.getName());
          }
        }
      }
    }
    return found;
  }

  @Test
  void theLibraryJarCarriesItsJacksonRelocatedAndNoLoggingSetup() throws IOException {
    try (JarFile jar = jar("provisioner.library.jar")) {
      List<String> names = names(jar);
      assertThat(names)
          .contains("ai/bctrl/provisioner/Provisioner.class",
              SHADED + "databind/json/JsonMapper.class",
              SHADED + "core/JsonParser.class",
              SHADED + "annotation/JsonProperty.class")
          .noneMatch(n -> n.startsWith("tools/") || n.startsWith("com/fasterxml/"))
          .noneMatch(n -> n.startsWith("picocli/") || n.startsWith("ch/qos/"))
          .doesNotContain("logback.xml", "logback-test.xml", CONFIGURATOR);
      assertThat(unrelocatedReferences(jar)).isEmpty();

      // multi-release variants (jackson-core's number parsers) move with their classes
      List<String> versioned = names.stream()
          .filter(n -> n.startsWith("META-INF/versions/") && n.endsWith(".class")).toList();
      assertThat(versioned).isNotEmpty()
          .allMatch(n -> n.matches("META-INF/versions/\\d+/" + SHADED + ".*"), "relocated");
      for (String v : versioned) {
        String base = v.replaceFirst("META-INF/versions/\\d+/", "");
        assertThat(names).as("the base class of " + v).contains(base);
      }
      Manifest manifest = jar.getManifest();
      assertThat(manifest.getMainAttributes().getValue("Multi-Release")).isEqualTo("true");

      // service files are renamed and name classes that exist
      List<String> services = names.stream().filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/")).toList();
      assertThat(services).contains(
          "META-INF/services/ai.bctrl.provisioner.internal.shaded.jackson.core.TokenStreamFactory",
          "META-INF/services/ai.bctrl.provisioner.internal.shaded.jackson.databind.ObjectMapper");
      for (String service : services) {
        assertThat(service).startsWith("META-INF/services/ai.bctrl.provisioner.");
        text(jar, service).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .forEach(impl -> assertThat(names).contains(impl.replace('.', '/') + ".class"));
      }

      Properties version = new Properties();
      version.load(jar.getInputStream(jar.getEntry("ai/bctrl/provisioner/internal/version.properties")));
      assertThat(version.getProperty("version")).isEqualTo(System.getProperty("provisioner.version"));
    }
  }

  @Test
  void theExecutableJarConfiguresLogbackInCodeAndHoldsNoQuicNatives() throws IOException {
    try (JarFile jar = jar("provisioner.jar")) {
      List<String> names = names(jar);
      assertThat(names)
          .contains("ai/bctrl/provisioner/internal/cli/Main.class", "picocli/CommandLine.class",
              "ch/qos/logback/classic/LoggerContext.class", SHADED + "databind/json/JsonMapper.class",
              "io/netty/handler/codec/quic/Quic.class")
          .noneMatch(n -> n.startsWith("tools/") || n.startsWith("com/fasterxml/"))
          .noneMatch(n -> n.startsWith("META-INF/native/") && n.contains("quic"))
          .noneMatch(n -> n.startsWith("io/micrometer/"))
          .doesNotContain("logback.xml");
      assertThat(text(jar, CONFIGURATOR).strip())
          .isEqualTo("ai.bctrl.provisioner.internal.cli.Main$CliLogging");
      assertThat(names).contains("ai/bctrl/provisioner/internal/cli/Main$CliLogging.class");
      var attributes = jar.getManifest().getMainAttributes();
      assertThat(attributes.getValue("Main-Class")).isEqualTo("ai.bctrl.provisioner.internal.cli.Main");
      assertThat(attributes.getValue("Multi-Release")).isEqualTo("true");
      assertThat(attributes.getValue("Implementation-Version")).isEqualTo(System.getProperty("provisioner.version"));
    }
  }
}
