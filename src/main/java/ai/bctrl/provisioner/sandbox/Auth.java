package ai.bctrl.provisioner.sandbox;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import reactor.netty.http.server.HttpServerRequest;

/** The Bearer check of every API route; compares in constant time. */
final class Auth {
  private final byte[] expected;

  Auth(String apiKey) {
    this.expected = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
  }

  boolean authorised(HttpServerRequest req) {
    String h = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
    return h != null && MessageDigest.isEqual(h.getBytes(StandardCharsets.UTF_8), expected);
  }
}
