package ai.bctrl.provisioner.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Test helpers speaking real HTTP to a sandbox: java.net.http for most, a raw socket where the bytes matter. */
final class SandboxHttp {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private SandboxHttp() {}

  static HttpResponse<String> post(SandboxServer s, String space, String body, String... headers) {
    return send(s, "POST", "/v1/spaces/" + space + "/runtimes", body, Duration.ofSeconds(10),
        withAuth(s, headers));
  }

  static HttpResponse<String> get(SandboxServer s, String pathAndQuery, String... headers) {
    return send(s, "GET", pathAndQuery, null, Duration.ofSeconds(10), withAuth(s, headers));
  }

  static HttpResponse<String> stop(SandboxServer s, String runtimeId, String... headers) {
    return send(s, "POST", "/v1/runtimes/" + runtimeId + "/stop", null, Duration.ofSeconds(10), withAuth(s, headers));
  }

  static HttpResponse<String> delete(SandboxServer s, String runtimeId, String... headers) {
    return send(s, "DELETE", "/v1/runtimes/" + runtimeId, null, Duration.ofSeconds(10), withAuth(s, headers));
  }

  static String[] withAuth(SandboxServer s, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase("Authorization")) {
        return headers;
      }
    }
    String[] out = new String[headers.length + 2];
    out[0] = "Authorization";
    out[1] = "Bearer " + s.apiKey();
    System.arraycopy(headers, 0, out, 2, headers.length);
    return out;
  }

  static HttpResponse<String> send(
      SandboxServer s, String method, String path, String body, Duration timeout, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(s.baseUrl() + path))
            .timeout(timeout)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      if (!headers[i + 1].isEmpty()) {
        b.header(headers[i], headers[i + 1]);
      }
    }
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    return JSON.readTree(r.body());
  }

  /** One response read off a raw connection. */
  record RawResponse(int status, Map<String, String> headers, byte[] body, boolean complete) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** A raw HTTP/1.1 connection: several requests on one socket, bytes as they come. */
  static final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Raw(SandboxServer s) throws IOException {
      socket = new Socket("127.0.0.1", s.port());
      socket.setSoTimeout(2_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    void write(String method, String path, String authorization, String body) throws IOException {
      write(method, path, authorization, body, new String[0]);
    }

    /** Writes one request; {@code headers} are extra name, value pairs. */
    void write(String method, String path, String authorization, String body, String... headers) throws IOException {
      byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      StringBuilder sb = new StringBuilder();
      sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      if (authorization != null) {
        sb.append("Authorization: ").append(authorization).append("\r\n");
      }
      for (int i = 0; i < headers.length; i += 2) {
        sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      sb.append("Content-Type: application/json\r\nContent-Length: ").append(b.length).append("\r\n\r\n");
      // one write: a head and a body written apart wait for each other's ACK (Nagle) on loopback
      byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
      byte[] all = java.util.Arrays.copyOf(head, head.length + b.length);
      System.arraycopy(b, 0, all, head.length, b.length);
      out.write(all);
      out.flush();
    }

    /** Reads one response by its Content-Length; {@code complete} is false when the peer closed early. Null on EOF or reset before any byte. */
    RawResponse read() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int state = 0;
      while (state < 4) {
        int c;
        try {
          c = in.read();
        } catch (java.net.SocketException e) {
          if (head.size() == 0) {
            return null; // reset by the peer before any byte of an answer
          }
          throw e;
        }
        if (c < 0) {
          return null;
        }
        head.write(c);
        state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : (c == '\r' ? 1 : 0);
      }
      String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = new byte[length];
      int got = 0;
      while (got < length) {
        int n = in.read(body, got, length - got);
        if (n < 0) {
          return new RawResponse(status, headers, java.util.Arrays.copyOf(body, got), false);
        }
        got += n;
      }
      return new RawResponse(status, headers, body, true);
    }

    /** True when the peer has closed (EOF or reset) before sending anything more. */
    boolean closedByPeer() {
      try {
        return in.read() < 0;
      } catch (IOException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
