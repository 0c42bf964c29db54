package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.Item;
import ai.bctrl.provisioner.internal.client.ListPage;
import ai.bctrl.provisioner.internal.client.Reply;
import ai.bctrl.provisioner.internal.client.RuntimeApi;
import ai.bctrl.provisioner.internal.client.SendGate;
import ai.bctrl.provisioner.model.ApiError;
import ai.bctrl.provisioner.model.BrowserRuntime;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** An in-memory API on virtual time: records every call, answers as the test says. */
final class FakeApi implements RuntimeApi {

  /** How to answer the {@code callNo}-th (1-based) create call for an item. */
  interface Behaviour {
    Mono<Reply> answer(FakeApi api, Item item, int callNo);
  }

  /** How to answer the {@code listNo}-th (1-based) listing call. */
  interface ListBehaviour {
    Mono<ListPage> answer(FakeApi api, String spaceId, int listNo);
  }

  record Call(String key, long startMs) {}

  final VirtualTimeScheduler vts;
  final Map<String, BrowserRuntime> server = new ConcurrentHashMap<>();
  final List<Call> creates = Collections.synchronizedList(new ArrayList<>());
  final List<Long> listStartsMs = Collections.synchronizedList(new ArrayList<>());
  /** The cursor of each listing call, in order ({@code null} for a first page). */
  final List<String> listCursors = Collections.synchronizedList(new ArrayList<>());
  final Map<String, AtomicInteger> callsByKey = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> createdByKey = new ConcurrentHashMap<>();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  final AtomicInteger listsInFlight = new AtomicInteger();
  final AtomicInteger maxListsInFlight = new AtomicInteger();
  private final AtomicInteger lists = new AtomicInteger();
  volatile Behaviour behaviour = (api, item, n) -> api.create(item, Duration.ofMillis(100));
  volatile ListBehaviour listBehaviour = (api, space, n) -> Mono.just(api.page(space));

  /** How long each item's calls take to get a connection, before they reach their send gate. */
  final Map<String, Duration> connectDelays = new ConcurrentHashMap<>();

  FakeApi(VirtualTimeScheduler vts) {
    this.vts = vts;
  }

  long nowMs() {
    return vts.now(TimeUnit.MILLISECONDS);
  }

  @Override
  public Mono<Reply> create(Item item) {
    return Mono.defer(() -> {
      int n = callsByKey.computeIfAbsent(item.key(), k -> new AtomicInteger()).incrementAndGet();
      creates.add(new Call(item.key(), nowMs()));
      int f = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(f, Math::max);
      AtomicBoolean done = new AtomicBoolean();
      Runnable end = () -> {
        if (done.compareAndSet(false, true)) {
          inFlight.decrementAndGet();
        }
      };
      return behaviour.answer(this, item, n).doOnTerminate(end).doOnCancel(end);
    });
  }

  /** A call that first gets its connection (instantly, or after its item's connect delay), then passes its gate. */
  @Override
  public Mono<Reply> create(Item item, byte[] body, SendGate gate) {
    Duration connect = connectDelays.getOrDefault(item.key(), Duration.ZERO);
    Mono<Reply> throughGate = throughGate(item, gate);
    return connect.isZero() ? throughGate : Mono.delay(connect, vts).then(throughGate);
  }

  private Mono<Reply> throughGate(Item item, SendGate gate) {
    return Mono.defer(() -> {
      long wait = gate.tryPass();
      return wait <= 0 ? create(item) : Mono.delay(Duration.ofNanos(wait), vts).then(throughGate(item, gate));
    });
  }

  @Override
  public Mono<ListPage> listPage(String spaceId, String cursor) {
    return Mono.defer(() -> {
      listStartsMs.add(nowMs());
      listCursors.add(cursor);
      maxListsInFlight.accumulateAndGet(listsInFlight.incrementAndGet(), Math::max);
      AtomicBoolean done = new AtomicBoolean();
      Runnable end = () -> {
        if (done.compareAndSet(false, true)) {
          listsInFlight.decrementAndGet();
        }
      };
      return listBehaviour.answer(this, spaceId, lists.incrementAndGet()).doOnTerminate(end).doOnCancel(end);
    });
  }

  /** The runtime is created on the server now (whatever the answer will be). */
  BrowserRuntime createNow(Item item, RuntimeStatus status) {
    BrowserRuntime r = new BrowserRuntime("rt_" + item.key(), item.name(), item.spaceId(), status, "browser", "browser", null,
        null, null, null, Map.of("provisionerKey", item.key()));
    server.put(item.key(), r);
    createdByKey.computeIfAbsent(item.key(), k -> new AtomicInteger()).incrementAndGet();
    return r;
  }

  /** Creates after {@code latency} and answers 201. */
  Mono<Reply> create(Item item, Duration latency) {
    return Mono.delay(latency, vts).map(x -> new Reply(201, createNow(item, RuntimeStatus.ACTIVE), null, "req", null));
  }

  /** Answers {@code status} with an error body after {@code latency}, creating nothing. */
  Mono<Reply> error(int status, String retryAfter, Duration latency) {
    return Mono.delay(latency, vts).map(x -> new Reply(status, null,
        new ApiError("failed with " + status, "test.e" + status, null, null, null, "req_" + status), "req_" + status,
        retryAfter));
  }

  ListPage page(String spaceId) {
    List<BrowserRuntime> rs = new ArrayList<>();
    for (BrowserRuntime r : server.values()) {
      if (spaceId.equals(r.spaceId())) {
        rs.add(r);
      }
    }
    return new ListPage(rs, null);
  }

  int duplicates() {
    return (int) createdByKey.values().stream().filter(c -> c.get() > 1).count();
  }
}
