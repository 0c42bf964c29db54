package ai.bctrl.provisioner.internal.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Item-key rules of the contract: what a valid key is, the content-hash key, the 64-bit key hash. */
final class Keys {
  static final int MAX_LENGTH = 200;
  static final String ALLOWED = "A-Z a-z 0-9 . _ : @ / -";

  private Keys() {}

  /** 1..200 characters of {@code A-Z a-z 0-9 . _ : @ / -}. */
  static boolean isValid(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      if (!allowed(key.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean allowed(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == ':' || c == '@' || c == '/' || c == '-';
  }

  /** A valid batch id: a valid key without {@code :}. */
  static boolean isValidBatch(String batch) {
    return isValid(batch) && batch.indexOf(':') < 0;
  }

  /**
   * {@code h-} and the first 16 hex digits of SHA-256 over the UTF-8 bytes of {@code canonicalJson}.
   */
  static String contentKey(String canonicalJson) {
    byte[] d = sha256().digest(canonicalJson.getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder(18).append("h-");
    for (int i = 0; i < 8; i++) {
      sb.append(Character.forDigit((d[i] >> 4) & 0xF, 16)).append(Character.forDigit(d[i] & 0xF, 16));
    }
    return sb.toString();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
