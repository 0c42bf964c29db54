package ai.bctrl.provisioner.internal.manifest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a large CSV manifest for the constant-memory check (not a test):
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) ai.bctrl.provisioner.internal.manifest.GenerateManifest big.csv 1000000}.
 * Rows cycle through several shapes (saved and custom proxies, fingerprints, metadata) over two
 * spaces; every row has a unique name, so every row key is distinct. The custom-proxy rows use
 * {@code ${PROXY_PASSWORD}}.
 */
public final class GenerateManifest {
  private GenerateManifest() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: GenerateManifest FILE.csv ROWS");
      System.exit(64);
    }
    write(Path.of(args[0]), Long.parseLong(args[1]));
  }

  static void write(Path file, long rows) throws IOException {
    String[] spaces = {"3f6c2a1e-8b4d-4c7a-9e2f-1a5b6c7d8e9f", "a9e8d7c6-b5a4-4932-8f1e-0d2c3b4a5f6e"};
    String[] stealth = {"medium", "high", "ultra"};
    String[] locales = {"en-US", "de-DE", "fr-FR", "ja-JP", "pt-BR"};
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("spaceId,name,count,config.stealth,config.humanize,config.fingerprint.browser,config.fingerprint.locale,"
          + "config.proxy.mode,config.proxy.host,config.proxy.port,config.proxy.protocol,config.proxy.username,"
          + "config.proxy.password,config.proxy.id,config.proxy.overrides.affinity.strategy,"
          + "config.proxy.overrides.geo.country,metadata.team,metadata.purpose\n");
      for (long i = 0; i < rows; i++) {
        StringBuilder sb = new StringBuilder(200);
        sb.append(spaces[(int) (i % 2)]).append(",rt-").append(i).append(",1,")
            .append(stealth[(int) (i % 3)]).append(',').append(i % 5 == 0 ? "true" : "").append(',')
            .append(i % 4 == 0 ? "edge" : "chrome").append(',').append(locales[(int) (i % 5)]).append(',');
        switch ((int) (i % 3)) {
          case 0 -> sb.append("custom,proxy-").append(i % 16).append(".example.net,").append(1024 + i % 5000)
              .append(",http,user").append(i % 100).append(",${PROXY_PASSWORD},,,");
          case 1 -> sb.append("saved,,,,,,0f8fad5b-d9cb-469f-a165-70867728950e,sticky,DE");
          default -> sb.append(",,,,,,,,");
        }
        sb.append(",team-").append(i % 7).append(",\"load test, row ").append(i).append("\"\n");
        w.write(sb.toString());
      }
    }
  }
}
