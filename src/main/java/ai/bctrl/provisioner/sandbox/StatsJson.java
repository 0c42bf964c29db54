package ai.bctrl.provisioner.sandbox;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code GET /__sandbox/stats}'s body, streamed with Jackson's generator (a long run's start times
 * are millions of numbers). Maps come out sorted by key, fault kinds in {@link FaultKind} order, so
 * two renderings of the same stats are the same bytes.
 */
final class StatsJson {
  private final ObjectMapper json;

  StatsJson(ObjectMapper json) {
    this.json = json;
  }

  /** {@code withStarts} false leaves {@code createStartNanos} out. */
  byte[] render(SandboxStats s, boolean withStarts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(withStarts ? 256 + 16 * s.createStartNanos().size() : 512);
    try (JsonGenerator g = json.createGenerator(out)) {
      g.writeStartObject();
      counts(g, "createsByKey", s.createsByKey());
      g.writeObjectPropertyStart("requestsByStatus");
      new TreeMap<>(s.requestsByStatus()).forEach((k, v) -> g.writeNumberProperty(Integer.toString(k), v));
      g.writeEndObject();
      faults(g, "faults", s.faults());
      g.writeNumberProperty("maxInFlight", s.maxInFlight());
      g.writeNumberProperty("inFlight", s.inFlight());
      g.writeNumberProperty("createRequests", s.createRequests());
      g.writeNumberProperty("listRequests", s.listRequests());
      g.writeNumberProperty("runtimes", s.runtimes());
      g.writeNumberProperty("activeRuntimes", s.activeRuntimes());
      g.writeNumberProperty("idempotentReplays", s.idempotentReplays());
      g.writeNumberProperty("duplicates", s.duplicates());
      g.writeNumberProperty("stopRequests", s.stopRequests());
      g.writeNumberProperty("deleteRequests", s.deleteRequests());
      g.writeNumberProperty("stops", s.stops());
      g.writeNumberProperty("deletes", s.deletes());
      counts(g, "stopsByRuntime", s.stopsByRuntime());
      counts(g, "deletesByRuntime", s.deletesByRuntime());
      faults(g, "stopFaults", s.stopFaults());
      faults(g, "deleteFaults", s.deleteFaults());
      g.writeNumberProperty("maxStartsInOneSecond", s.maxStartsInOneSecond());
      nullableNumber(g, "firstCreateEpochMillis", s.firstCreateEpochMillis());
      nullableNumber(g, "lastCreateEpochMillis", s.lastCreateEpochMillis());
      if (withStarts) {
        g.writeArrayPropertyStart("createStartNanos");
        for (long t : s.createStartNanos()) {
          g.writeNumber(t);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private static void nullableNumber(JsonGenerator g, String name, Long value) {
    if (value == null) {
      g.writeNullProperty(name);
    } else {
      g.writeNumberProperty(name, value.longValue());
    }
  }

  private static void counts(JsonGenerator g, String name, Map<String, Integer> counts) {
    g.writeObjectPropertyStart(name);
    new TreeMap<>(counts).forEach(g::writeNumberProperty);
    g.writeEndObject();
  }

  private static void faults(JsonGenerator g, String name, Map<FaultKind, Long> faults) {
    g.writeObjectPropertyStart(name);
    for (FaultKind k : FaultKind.values()) {
      g.writeNumberProperty(k.wire(), faults.getOrDefault(k, 0L));
    }
    g.writeEndObject();
  }
}
