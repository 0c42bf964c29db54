package ai.bctrl.provisioner.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bctrl.provisioner.internal.manifest.ManifestEntry;
import ai.bctrl.provisioner.internal.manifest.ManifestOptions;
import ai.bctrl.provisioner.internal.manifest.ManifestReader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jobs/k8s/: every document is a real Kubernetes object with no unknown field, and the jobs are safe. */
class KubernetesManifestsTest {
  private static final Path K8S = Tools.JOBS.resolve("k8s");
  private static final String KEY_DIR = "/var/run/secrets/provisioner";

  private final List<KubernetesManifests.Document> docs = loadAll();

  private static List<KubernetesManifests.Document> loadAll() {
    try {
      return KubernetesManifests.loadAll(K8S);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private final CronJob cronJob = KubernetesManifests.only(docs, CronJob.class, "provisioner-nightly");
  private final Job indexedJob = KubernetesManifests.only(docs, Job.class, "provisioner-backfill");

  @Test
  void everyFileHoldsOnlyKnownKindsWithKnownFields() throws IOException {
    assertThat(KubernetesManifests.files(K8S)).extracting(p -> p.getFileName().toString())
        .containsExactly("configmap.yaml", "cronjob.yaml", "indexed-job.yaml", "pvc.yaml", "secret.yaml");
    assertThat(docs).hasSize(6);
    assertThat(docs).allSatisfy(d -> {
      assertThat(d.resource().getMetadata().getNamespace()).as(d.toString()).isEqualTo("provisioner");
      assertThat(d.resource().getMetadata().getLabels()).as(d.toString()).containsEntry("app.kubernetes.io/name", "provisioner");
    });
  }

  @Test
  void aMisspeltFieldAnywhereIsAnError(@TempDir Path dir) throws IOException {
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, Tools.read(K8S.resolve("cronjob.yaml")).replace("concurrencyPolicy:", "concurrencyPolcy:"));
    assertThatThrownBy(() -> KubernetesManifests.load(typo))
        .hasMessageStartingWith("typo.yaml document 1 (batch/v1 CronJob): Unrecognized property \"concurrencyPolcy\"");

    Path misplaced = dir.resolve("misplaced.yaml");
    Files.writeString(misplaced, Tools.read(K8S.resolve("indexed-job.yaml"))
        .replace("      terminationGracePeriodSeconds: 90", "      terminationGracePeriodSeconds: 90\n      backoffLimit: 3"));
    assertThatThrownBy(() -> KubernetesManifests.load(misplaced))
        .hasMessageContaining("Unrecognized property \"backoffLimit\"");

    Path wrongType = dir.resolve("wrong-type.yaml");
    Files.writeString(wrongType, Tools.read(K8S.resolve("indexed-job.yaml")).replace("completions: 4", "completions: four"));
    assertThatThrownBy(() -> KubernetesManifests.load(wrongType)).hasMessageStartingWith("wrong-type.yaml document 1 (batch/v1 Job): ");
  }

  @Test
  void theCronJobNeverOverlapsAndStopsWithinItsGrace() {
    assertThat(cronJob.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    assertThat(cronJob.getSpec().getSchedule()).isEqualTo("30 1 * * *");
    assertThat(cronJob.getSpec().getTimeZone()).isEqualTo("Etc/UTC");
    assertThat(cronJob.getSpec().getStartingDeadlineSeconds()).isBetween(60L, 6 * 3600L);
    JobSpec job = cronJob.getSpec().getJobTemplate().getSpec();
    assertThat(job.getBackoffLimit()).isBetween(1, 5);
    PodSpec pod = job.getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    Duration grace = Tools.duration(definition().getProperty("GRACE"));
    assertThat(Duration.ofSeconds(pod.getTerminationGracePeriodSeconds())).isGreaterThan(grace.plusSeconds(10));
    assertThat(provisioner(pod).getCommand()).containsExactly("/opt/provisioner/jobs/nightly.sh", "/etc/provisioner/nightly.env");
  }

  @Test
  void theCronJobDoesNotRetryFailuresThatWouldRepeat() {
    var rules = cronJob.getSpec().getJobTemplate().getSpec().getPodFailurePolicy().getRules();
    assertThat(rules.get(0).getAction()).isEqualTo("FailJob");
    assertThat(rules.get(0).getOnExitCodes().getValues()).containsExactly(2, 3, 64, 65, 75, 76, 78);
    assertThat(rules.get(1).getAction()).isEqualTo("Ignore");
    assertThat(rules.get(1).getOnPodConditions()).singleElement().satisfies(c -> assertThat(c.getType()).isEqualTo("DisruptionTarget"));
  }

  @Test
  void theCronJobsDefinitionIsOneTheWrapperAccepts() {
    Properties def = definition();
    assertThat(def.stringPropertyNames()).noneMatch(k -> k.matches(".*(KEY|TOKEN|SECRET|PASSWORD).*"));
    assertThat(def.getProperty("LEDGER_DIR")).isEqualTo(mountPath(cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec(), "ledgers"));
    assertThat(def.getProperty("MANIFEST")).isEqualTo("/etc/provisioner/nightly.csv");
    ConfigMap cm = KubernetesManifests.only(docs, ConfigMap.class, "provisioner-nightly");
    assertThat(cm.getData()).containsKeys("nightly.env", "nightly.csv");
  }

  @Test
  void theIndexedJobRunsOneShardPerIndexWithItsShareOfTheRate() {
    JobSpec spec = indexedJob.getSpec();
    assertThat(spec.getCompletionMode()).isEqualTo("Indexed");
    int n = spec.getCompletions();
    assertThat(spec.getParallelism()).isEqualTo(n);
    assertThat(spec.getBackoffLimitPerIndex()).isPositive();
    PodSpec pod = spec.getTemplate().getSpec();
    List<String> args = provisioner(pod).getArgs();
    assertThat(arg(args, "--shard")).isEqualTo("$(JOB_COMPLETION_INDEX)/" + n);
    assertThat(arg(args, "--ledger")).isEqualTo(mountPath(pod, "ledgers") + "/backfill.shard-$(JOB_COMPLETION_INDEX)-of-" + n + ".ledger.csv");
    assertThat(arg(args, "--summary")).isEqualTo(mountPath(pod, "ledgers") + "/backfill.shard-$(JOB_COMPLETION_INDEX)-of-" + n + ".summary.json");
    assertThat(arg(args, "--report")).as("each shard's report beside its ledger")
        .isEqualTo(mountPath(pod, "ledgers") + "/backfill.shard-$(JOB_COMPLETION_INDEX)-of-" + n + ".report.html");
    assertThat(arg(args, "--batch")).matches("[A-Za-z0-9._@/-]+");
    // the nightly job's total rate, split evenly
    double total = Double.parseDouble(definition().getProperty("RATE")) * 2;
    assertThat(Double.parseDouble(arg(args, "--rate")) * n).isEqualTo(total);
    assertThat(Duration.ofSeconds(pod.getTerminationGracePeriodSeconds())).isGreaterThan(Tools.duration(arg(args, "--grace")).plusSeconds(10));
    assertThat(provisioner(pod).getCommand()).containsSubsequence("-jar", "/opt/provisioner/provisioner.jar", "run");
    assertThat(args.get(args.size() - 1)).startsWith(mountPath(pod, "manifest") + "/");
  }

  @Test
  void theKeyIsAlwaysASecretMountedAsAFile() {
    for (PodSpec pod : List.of(cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec(), indexedJob.getSpec().getTemplate().getSpec())) {
      Volume key = volume(pod, "api-key");
      assertThat(key.getSecret().getSecretName()).isEqualTo("provisioner-api-key");
      assertThat(mountPath(pod, "api-key")).isEqualTo(KEY_DIR);
      assertThat(mount(pod, "api-key").getReadOnly()).isTrue();
      Container c = provisioner(pod);
      List<EnvVar> env = c.getEnv() == null ? List.of() : c.getEnv();
      assertThat(env).noneMatch(e -> e.getName().equals("BCTRL_API_KEY"));
      assertThat(env).noneMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null);
      List<String> keyRefs = new ArrayList<>(env.stream().filter(e -> e.getName().equals("API_KEY_FILE")).map(EnvVar::getValue).toList());
      if (c.getArgs() != null && c.getArgs().contains("--api-key-file")) {
        keyRefs.add(arg(c.getArgs(), "--api-key-file"));
      }
      assertThat(keyRefs).containsExactly(KEY_DIR + "/api-key");
    }
    Secret secret = KubernetesManifests.only(docs, Secret.class, "provisioner-api-key");
    assertThat(secret.getStringData()).containsOnlyKeys("api-key");
  }

  @Test
  void ledgersLiveOnASharedClaimAndEveryPodRunsLockedDown() {
    PersistentVolumeClaim pvc = KubernetesManifests.only(docs, PersistentVolumeClaim.class, "provisioner-ledgers");
    assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    assertThat(pvc.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
    for (PodSpec pod : List.of(cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec(), indexedJob.getSpec().getTemplate().getSpec())) {
      assertThat(volume(pod, "ledgers").getPersistentVolumeClaim().getClaimName()).isEqualTo("provisioner-ledgers");
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      Container c = provisioner(pod);
      assertThat(c.getImage()).isEqualTo("ghcr.io/example/provisioner:0.1.0");
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(c.getResources().getLimits()).containsKey("memory");
      assertThat(volume(pod, "tmp").getEmptyDir()).as("a writable /tmp on a read-only root").isNotNull();
      assertThat(mountPath(pod, "tmp")).isEqualTo("/tmp");
    }
  }

  @Test
  void theManifestsInTheConfigMapsAreValid(@TempDir Path dir) throws IOException {
    Map<String, Integer> expected = Map.of("nightly.csv", 200, "backfill.csv", 8000);
    for (var e : expected.entrySet()) {
      ConfigMap cm = docs.stream().map(KubernetesManifests.Document::resource).filter(ConfigMap.class::isInstance)
          .map(ConfigMap.class::cast).filter(c -> c.getData().containsKey(e.getKey())).findFirst().orElseThrow();
      Path csv = Files.writeString(dir.resolve(e.getKey()), cm.getData().get(e.getKey()));

      List<ManifestEntry> entries = ManifestReader.read(ManifestOptions.builder().path(csv).defaultSpace("spc_test").build())
          .collectList().block(Duration.ofSeconds(30));

      assertThat(entries).as(e.getKey()).hasSize(e.getValue()).allSatisfy(entry ->
          assertThat(entry).as(() -> entry instanceof ManifestEntry.Invalid i ? i.describe(e.getKey()) : "").isInstanceOf(ManifestEntry.Valid.class));
    }
  }

  private Properties definition() {
    ConfigMap cm = KubernetesManifests.only(docs, ConfigMap.class, "provisioner-nightly");
    Properties p = new Properties();
    try {
      p.load(new StringReader(cm.getData().get("nightly.env")));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return p;
  }

  private static Container provisioner(PodSpec pod) {
    assertThat(pod.getContainers()).hasSize(1);
    Container c = pod.getContainers().get(0);
    assertThat(c.getName()).isEqualTo("provisioner");
    return c;
  }

  private static String arg(List<String> args, String flag) {
    int i = args.indexOf(flag);
    assertThat(i).as("%s in %s", flag, args).isNotNegative();
    return args.get(i + 1);
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static VolumeMount mount(PodSpec pod, String name) {
    return provisioner(pod).getVolumeMounts().stream().filter(m -> m.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume mount " + name));
  }

  private static String mountPath(PodSpec pod, String name) {
    return mount(pod, name).getMountPath();
  }
}
