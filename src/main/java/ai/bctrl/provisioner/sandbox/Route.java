package ai.bctrl.provisioner.sandbox;

import org.reactivestreams.Publisher;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One route's handler. Called on the event loop with the request id already set on the response
 * ({@code x-request-id}); it must not block.
 */
@FunctionalInterface
interface Route {
  Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res, String requestId);

  /**
   * True when the route reads the request body itself. For every other route the body is read
   * (and dropped) before {@link #handle} is called: a request answered before its body was read,
   * even an empty one, can leave Reactor Netty not serving the next request on that kept-alive
   * connection.
   */
  default boolean readsBody() {
    return false;
  }
}
