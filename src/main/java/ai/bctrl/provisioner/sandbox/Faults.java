package ai.bctrl.provisioner.sandbox;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerResponse;

/**
 * What a drawn fault does to a call that has passed its checks, on the server side first (the call
 * applied or not, the fault counted) and then to the answer. The faults that strike "after" ({@code
 * reset-after}, {@code truncate}, {@code failed}) only strike a call that changed something; one
 * that did not (a create refused by the quota) is answered as usual. Thread-safe.
 */
final class Faults {
  private final Settings settings;
  private final Detached detached;
  private final StatsRecorder stats;
  private final Answers answers;

  Faults(Settings settings, Detached detached, StatsRecorder stats, Answers answers) {
    this.settings = settings;
    this.detached = detached;
    this.stats = stats;
    this.answers = answers;
  }

  /**
   * Decides what the call comes to under {@code fault} ({@code null} = none) and completes {@code
   * out} with it, now or, for a {@code hold}, after the hold; never waiting on the client.
   *
   * @param call what the call is, for counting the fault
   * @param apply the call's effect on the store; its answer says whether it changed anything
   * @param nothingDone run when the fault leaves the store untouched
   */
  void resolve(Call call, FaultKind fault, Supplier<Answer> apply, Runnable nothingDone, String requestId,
      Sinks.One<Reply> out) {
    try {
      if (fault == FaultKind.HOLD) {
        stats.fault(call, FaultKind.HOLD);
        detached.after(settings.scheduler(), settings.config().hold().toNanos(),
            () -> emit(out, () -> Reply.send(apply.get())));
        return;
      }
      emit(out, () -> reply(call, fault, apply, nothingDone, requestId));
    } catch (RuntimeException e) {
      out.tryEmitError(e);
    }
  }

  private Reply reply(Call call, FaultKind fault, Supplier<Answer> apply, Runnable nothingDone, String requestId) {
    if (fault == null) {
      return Reply.send(apply.get());
    }
    Answer before = switch (fault) {
      case HTTP_503 -> answers.hostUnavailable(requestId);
      case HTTP_500 -> answers.internalError(requestId);
      case HTTP_502 -> answers.badGateway();
      case HTTP_429 -> answers.rateLimited("Rate limit exceeded", 1, requestId);
      default -> null;
    };
    if (before != null || fault == FaultKind.RESET_BEFORE) {
      stats.fault(call, fault);
      nothingDone.run();
      return before != null ? Reply.send(before) : Reply.drop();
    }
    Answer a = apply.get();
    if (!a.applied()) {
      return Reply.send(a);
    }
    stats.fault(call, fault);
    return switch (fault) {
      case RESET_AFTER -> new Reply(a, Reply.Delivery.DROP);
      case TRUNCATE -> new Reply(a, Reply.Delivery.TRUNCATE);
      default -> Reply.send(a); // failed: the call itself made the failed runtime
    };
  }

  private static void emit(Sinks.One<Reply> out, Supplier<Reply> reply) {
    try {
      // with the client gone nobody subscribes any more; the value is then simply not delivered
      out.tryEmitValue(reply.get());
    } catch (RuntimeException e) {
      out.tryEmitError(e);
    }
  }

  /** {@code reset-before}, {@code reset-after}: drops the connection with a TCP reset (linger 0) and never answers. */
  static Mono<Void> drop(HttpServerResponse res) {
    return Mono.create(sink -> res.withConnection(conn -> {
      Channel ch = conn.channel();
      ch.config().setOption(ChannelOption.SO_LINGER, 0);
      ch.close().addListener(f -> sink.success());
    }));
  }

  /**
   * {@code truncate}: writes a 200's head with the full {@code Content-Length} but only half the
   * body, then closes. The bytes go straight to the socket, below the HTTP codec, so nothing can fix
   * the length up; that is why this head is written by hand.
   */
  static Mono<Void> truncate(HttpServerResponse res, Answer a, String requestId) {
    byte[] body = a.body();
    byte[] head = ("HTTP/1.1 200 OK\r\ncontent-type: " + a.contentType() + "\r\ncontent-length: " + body.length
        + "\r\nx-request-id: " + requestId + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    return Mono.create(sink -> res.withConnection(conn -> {
      Channel ch = conn.channel();
      ChannelHandlerContext codec = ch.pipeline().context(NettyPipeline.HttpCodec);
      ChannelHandlerContext target = codec != null ? codec : ch.pipeline().firstContext();
      target.writeAndFlush(Unpooled.wrappedBuffer(head, Arrays.copyOf(body, body.length / 2)))
          .addListener(f -> ch.close().addListener(g -> sink.success()));
    }));
  }
}
