package ai.bctrl.provisioner.internal.client;

import ai.bctrl.provisioner.Item;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The calls the engine makes: create and list to provision, stop and delete to tear down. {@link
 * BctrlClient} is the real one; engine tests use fakes. All are cold: nothing is sent until
 * subscription, and cancelling cancels the call.
 */
public interface RuntimeApi {

  /**
   * One create call for {@code item}. Emits the answer, whatever its status, or errors with a
   * {@link TransportException} when there was no complete answer (refused, reset, timed out).
   */
  Mono<Reply> create(Item item);

  /**
   * The body of {@code item}'s create calls, made once per item by the engine on the thread that
   * reads the items (never a Netty thread) and handed to each of its attempts; {@code null} when
   * each call makes its own.
   */
  default byte[] body(Item item) {
    return null;
  }

  /**
   * {@link #create(Item)} with the body {@link #body} made ({@code null}: the call makes it) and a
   * gate that the call passes with its connection in hand, just before it sends. An error from the
   * gate ends the call with that same error, nothing sent.
   */
  default Mono<Reply> create(Item item, byte[] body, SendGate gate) {
    return Mono.defer(() -> {
      long wait = gate.tryPass();
      return wait <= 0 ? create(item)
          : Mono.delay(java.time.Duration.ofNanos(wait), Schedulers.parallel()).then(create(item, body, gate));
    });
  }

  /**
   * One page of {@code GET /v1/spaces/{id}/runtimes}. Errors with {@link ListingException} for a
   * non-2xx or unreadable answer, or {@link TransportException}.
   *
   * @param cursor the {@code nextCursor} of the previous page, or {@code null} for the first
   */
  Mono<ListPage> listPage(String spaceId, String cursor);

  /**
   * One {@code POST /v1/runtimes/{runtimeId}/stop}. Emits the answer, whatever its status, or errors
   * with a {@link TransportException} when there was no complete answer. A fake that only creates
   * and lists need not implement it.
   */
  default Mono<Reply> stop(String runtimeId) {
    return Mono.error(new UnsupportedOperationException("this RuntimeApi cannot stop runtimes"));
  }

  /**
   * One {@code DELETE /v1/runtimes/{runtimeId}}. Emits the answer, whatever its status, or errors
   * with a {@link TransportException} when there was no complete answer. A fake that only creates
   * and lists need not implement it.
   */
  default Mono<Reply> delete(String runtimeId) {
    return Mono.error(new UnsupportedOperationException("this RuntimeApi cannot delete runtimes"));
  }
}
