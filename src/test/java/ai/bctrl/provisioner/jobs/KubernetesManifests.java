package ai.bctrl.provisioner.jobs;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Loads Kubernetes YAML into fabric8's model of the real Kubernetes types, strictly. fabric8's
 * classes keep unknown fields in an {@code additionalProperties} map (a Jackson any-setter), which
 * would hide a misspelt or misplaced field; here any-setters are switched off, so every unknown
 * field is an error naming its path. (No schema download is possible here; the model is the
 * schema.)
 */
final class KubernetesManifests {
  /** The kinds jobs/k8s/ may contain, by apiVersion and kind. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "batch/v1 CronJob", CronJob.class,
      "batch/v1 Job", Job.class,
      "v1 ConfigMap", ConfigMap.class,
      "v1 Secret", Secret.class,
      "v1 PersistentVolumeClaim", PersistentVolumeClaim.class);

  private static final YAMLMapper STRICT = YAMLMapper.builder()
      .annotationIntrospector(new JacksonAnnotationIntrospector() {
        @Override
        public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
          return Boolean.FALSE;
        }
      })
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .build();

  private KubernetesManifests() {}

  /** A document of a file, loaded as its Kubernetes type. */
  record Document(Path file, int index, HasMetadata resource) {}

  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  /** Every document of the file, each loaded strictly; an unknown field or kind throws. */
  static List<Document> load(Path file) throws IOException {
    List<Document> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = STRICT.readerFor(JsonNode.class).readValues(file.toFile())) {
      int index = 0;
      while (it.hasNextValue()) {
        JsonNode node = it.nextValue();
        index++;
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue;
        }
        String kind = node.path("apiVersion").asString("") + " " + node.path("kind").asString("");
        Class<? extends HasMetadata> type = KINDS.get(kind);
        if (type == null) {
          throw new IllegalArgumentException(file.getFileName() + " document " + index + ": unexpected kind '" + kind.strip()
              + "'; expected one of " + KINDS.keySet());
        }
        try {
          docs.add(new Document(file, index, STRICT.treeToValue(node, type)));
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(file.getFileName() + " document " + index + " (" + kind + "): "
              + e.getMessage().lines().findFirst().orElse(""), e);
        }
      }
    }
    return docs;
  }

  static List<Document> loadAll(Path dir) throws IOException {
    List<Document> all = new ArrayList<>();
    for (Path f : files(dir)) {
      all.addAll(load(f));
    }
    return all;
  }

  static <T extends HasMetadata> T only(List<Document> docs, Class<T> type, String name) {
    List<T> found = docs.stream().map(Document::resource).filter(type::isInstance).map(type::cast)
        .filter(r -> r.getMetadata().getName().equals(name)).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + " named " + name + " but found " + found.size());
    }
    return found.get(0);
  }
}
