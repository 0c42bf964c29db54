package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ApiKeyRejectedException;
import ai.bctrl.provisioner.NoListRouteException;
import ai.bctrl.provisioner.internal.client.ListPage;
import ai.bctrl.provisioner.internal.client.ListingException;
import ai.bctrl.provisioner.internal.client.Reply;
import ai.bctrl.provisioner.internal.client.RuntimeApi;
import ai.bctrl.provisioner.internal.client.TransportException;
import ai.bctrl.provisioner.model.BrowserRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Lists a whole space, following {@code nextCursor}, retrying each page with backoff; each page
 * call holds a slot of the listing gate while it is in flight. Errors with
 * {@link ListingImpossibleException} when a page cannot be had after {@code maxTries}, or at once
 * for a 4xx that repeating will not fix; with {@link ApiKeyRejectedException} for 401/403.
 */
final class Lister {
  static final int MAX_PAGES = 100_000;

  private final RuntimeApi api;
  private final CallGate gate;
  private final Backoff backoff;
  private final int maxTries;
  private final Duration maxRetryAfter;
  private final Scheduler scheduler;
  private final Clock clock;
  private final StatsRecorder stats;
  private final String baseUrl;

  Lister(RuntimeApi api, CallGate gate, Backoff backoff, int maxTries, Duration maxRetryAfter, Scheduler scheduler,
      Clock clock, StatsRecorder stats, String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.api = api;
    this.gate = gate;
    this.backoff = backoff;
    this.maxTries = maxTries;
    this.maxRetryAfter = maxRetryAfter;
    this.scheduler = scheduler;
    this.clock = clock;
    this.stats = stats;
  }

  /** The whole space. Cold: the listing starts (and its start instant is taken) at subscription. */
  Mono<Listing> listAll(String spaceId) {
    return Mono.defer(() -> {
      long started = scheduler.now(TimeUnit.NANOSECONDS);
      Map<String, BrowserRuntime> byKey = new HashMap<>();
      // a cursor answered twice means the server goes round (or ignores ?cursor=): the pages it
      // would never show may hold the key, so such a listing is impossible, never complete
      Set<String> cursors = new HashSet<>();
      // expand, not recursion: a space of many pages must not nest one operator per page
      return page(spaceId, null, 1).map(p -> new Fetched(null, p, 1))
          .expand(f -> {
            String next = f.page().nextCursor();
            if (next == null) {
              return Mono.empty();
            }
            if (!cursors.add(next)) {
              return Mono.error(new ListingImpossibleException("listing space " + spaceId + " answered the cursor "
                  + next + " a second time, so it cannot be read to its end"));
            }
            if (f.pageNo() >= MAX_PAGES) {
              return Mono.error(new ListingImpossibleException(
                  "listing space " + spaceId + " did not end after " + MAX_PAGES + " pages"));
            }
            return page(spaceId, next, 1).map(p -> new Fetched(next, p, f.pageNo() + 1));
          })
          .doOnNext(f -> {
            for (BrowserRuntime r : f.page().runtimes()) {
              String key = r.provisionerKey();
              if (key != null) {
                byKey.putIfAbsent(key, r);
              }
            }
          })
          .then(Mono.fromSupplier(() -> new Listing(started, byKey)));
    });
  }

  /**
   * The stop for a listing answered 404, 405 or 501: the route is not there (a wrong base URL, a
   * proxy that forwards only POST, an API without listing), or, for a 404 whose error code names
   * the space, the space does not exist.
   */
  private NoListRouteException noListRoute(String spaceId, int status, Reply r, String what) {
    String route = "GET " + baseUrl + "/v1/spaces/" + spaceId + "/runtimes";
    String code = r.error() == null ? null : r.error().code();
    if (status == 404 && code != null && code.startsWith("space.")) {
      return new NoListRouteException("space " + spaceId + " does not exist: " + route + " answered " + what
          + " (" + code + "); check --space and the manifest's spaceId");
    }
    return new NoListRouteException("the API cannot list runtimes: " + route + " answered " + what
        + "; check --base-url, or run with --no-list for an API without that route"
        + " (then a create whose answer is lost ends unknown and is never repeated)");
  }

  private record Fetched(String cursor, ListPage page, int pageNo) {}

  private Mono<ListPage> page(String spaceId, String cursor, int tryNo) {
    // the gate is held for the call only, not for the backoff after it
    return gate.acquire().flatMap(permit -> Mono.defer(() -> {
      stats.listingCall();
      return api.listPage(spaceId, cursor);
    }).doFinally(s -> permit.release())).onErrorResume(e -> {
      Duration retryAfter = null;
      String what;
      if (e instanceof ListingException le) {
        Reply r = le.reply();
        int s = r.status();
        String detail = "HTTP " + s + (r.error() != null && r.error().error() != null ? " " + r.error().error() : "");
        what = Classifier.withRequestId(detail, r.requestId());
        if (s == 401 || s == 403) {
          return Mono.error(new ApiKeyRejectedException("the API rejected the API key while listing space "
              + spaceId + " (" + what + "); check the key and its rights"));
        }
        if (s == 404 || s == 405 || s == 501) {
          return Mono.error(noListRoute(spaceId, s, r, what));
        }
        boolean repeatable = s == 408 || s == 429 || s >= 500 || (s >= 200 && s < 300);
        if (!repeatable) {
          return Mono.error(new ListingImpossibleException("listing space " + spaceId + " failed: " + what));
        }
        retryAfter = RetryAfter.parse(r.retryAfter(), clock.instant()).orElse(null);
      } else if (e instanceof TransportException te) {
        what = te.getMessage();
      } else {
        return Mono.error(e);
      }
      if (tryNo >= maxTries || retryAfter != null && retryAfter.compareTo(maxRetryAfter) > 0) {
        return Mono.error(new ListingImpossibleException(
            "listing space " + spaceId + " failed " + tryNo + " times, last: " + what));
      }
      Duration d = backoff.delay(tryNo, retryAfter);
      return Mono.delay(d, scheduler).then(page(spaceId, cursor, tryNo + 1));
    });
  }
}
