package ai.bctrl.provisioner.sandbox;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/** Writes replies, counting each in {@code requestsByStatus} ({@code 0} for a dropped connection). */
final class Responder {
  private final StatsRecorder stats;

  Responder(StatsRecorder stats) {
    this.stats = stats;
  }

  Mono<Void> write(HttpServerResponse res, Reply r, String requestId) {
    return switch (r.delivery()) {
      case SEND -> send(res, r.answer());
      case DROP -> {
        stats.answered(0);
        yield Faults.drop(res);
      }
      case TRUNCATE -> {
        stats.answered(200);
        yield Faults.truncate(res, r.answer(), requestId);
      }
    };
  }

  Mono<Void> send(HttpServerResponse res, Answer a) {
    stats.answered(a.status());
    return sendUncounted(res, a);
  }

  /** Writes {@code a} without counting it (the stats route's own answers). */
  static Mono<Void> sendUncounted(HttpServerResponse res, Answer a) {
    res.status(a.status()).header(HttpHeaderNames.CONTENT_TYPE, a.contentType());
    a.headers().forEach(res::header);
    return res.sendObject(Unpooled.wrappedBuffer(a.body())).then();
  }
}
