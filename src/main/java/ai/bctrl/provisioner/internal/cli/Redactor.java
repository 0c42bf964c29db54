package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.model.CustomProxy;
import java.util.List;
import java.util.Objects;
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

  /** Adds the item's custom proxy password, if it has one, before anything about the item is sent or told. */
  void addSecretsOf(Item item) {
    if (item.request().config() != null && item.request().config().proxy() != null) {
      item.request().config().proxy().ifPresent(p -> {
        if (p instanceof CustomProxy c) {
          add(c.password());
        }
      });
    }
  }

  /** The result with every known secret taken out of its {@code error} and {@code name}; itself when there is none. */
  ItemResult redactResult(ItemResult r) {
    String error = redact(r.error());
    String name = redact(r.name());
    if (Objects.equals(error, r.error()) && Objects.equals(name, r.name())) {
      return r;
    }
    return new ItemResult(r.key(), r.line(), r.spaceId(), name, r.outcome(), r.runtimeId(), r.status(),
        r.httpStatus(), r.errorCode(), error, r.attempts(), r.latencyMs(), r.finishedAt());
  }

  /**
   * {@code e} itself, or, when its message holds a known secret, a {@link UsageException} or {@link
   * RunFailedException} with that message redacted and no cause (so no debug stack trace shows it).
   */
  RuntimeException clean(RuntimeException e) {
    String m = e.getMessage();
    if (m == null || m.equals(redact(m))) {
      return e;
    }
    return e instanceof UsageException
        ? new UsageException(redact(m))
        : new RunFailedException(redact(Main.oneLine(m)), null);
  }
}
