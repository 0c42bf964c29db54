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
}
