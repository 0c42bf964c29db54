package ai.bctrl.provisioner.cli;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Last line of defence against a secret in any text the run prints or records: replaces every
 * known secret (the API key, every distinct proxy password of the run's items) with {@code ***}.
 */
final class Redactor {
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  /** Adds a secret; values shorter than 4 characters are not treated as secrets (too many false hits). */
  void add(String secret) {
    if (secret != null && secret.length() >= 4) {
      secrets.add(secret);
    }
  }

  String redact(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String out = text;
    for (String s : List.copyOf(secrets)) {
      if (out.contains(s)) {
        out = out.replace(s, "***");
      }
    }
    return out;
  }
}
