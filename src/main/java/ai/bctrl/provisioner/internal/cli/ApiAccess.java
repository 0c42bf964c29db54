package ai.bctrl.provisioner.internal.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the API is and the key to it, as every command that calls it takes them: {@code
 * --base-url} or env {@code BCTRL_BASE_URL}, {@code --api-key-file} or env {@code BCTRL_API_KEY}.
 * Each problem is one usage line (exit 64) that never shows the key.
 */
final class ApiAccess {
  private ApiAccess() {}

  /** {@code --base-url}, else env {@code BCTRL_BASE_URL}, else the API's own root; checked. */
  static URI baseUrl(String flag, Io io) {
    String url = flag != null ? flag : io.env().getOrDefault("BCTRL_BASE_URL", RunCommand.DEFAULT_BASE_URL);
    try {
      URI u = new URI(url);
      if (u.getHost() != null && ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()))
          && u.getUserInfo() == null) {
        return u;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new UsageException("--base-url/BCTRL_BASE_URL must be an http(s) URL without credentials, "
        + "like https://api.bctrl.ai");
  }

  /**
   * The key from {@code --api-key-file} ({@code apiKeyFile}), else env {@code BCTRL_API_KEY};
   * {@code noKeyHint} ends the message when there is neither.
   */
  static String apiKey(Path apiKeyFile, Io io, String noKeyHint) {
    String key;
    String source;
    if (apiKeyFile != null) {
      Path file = io.workDir().resolve(apiKeyFile);
      source = "--api-key-file " + apiKeyFile;
      try {
        key = Files.readString(file, StandardCharsets.UTF_8);
        if (key.startsWith("\uFEFF")) {
          key = key.substring(1); // a byte order mark, as some editors save UTF-8
        }
        key = key.strip();
      } catch (IOException e) {
        throw new UsageException("cannot read --api-key-file " + apiKeyFile + " ("
            + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getClass().getSimpleName()) + ")");
      }
    } else {
      key = io.env().get("BCTRL_API_KEY");
      source = "BCTRL_API_KEY";
      if (key == null || key.isBlank()) {
        throw new UsageException("no API key: set BCTRL_API_KEY or pass --api-key-file PATH" + noKeyHint);
      }
      key = key.strip();
    }
    if (key.isEmpty()) {
      throw new UsageException(source + " is empty; it must hold the API key");
    }
    if (key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new UsageException(source + " holds more than one key-like token or control characters; "
          + "it must hold the API key alone");
    }
    return key;
  }
}
