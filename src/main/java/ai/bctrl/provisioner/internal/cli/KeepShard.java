package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.manifest.ManifestEntry;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * Stage {@code --shard I/N}: keeps the manifest entries, valid items and invalid rows alike, whose
 * key hashes to this run's {@link Shard}; without a shard, keeps every entry. A pure filter: it
 * records, prints and counts nothing, so an invalid row of another shard is that shard's to report.
 *
 * @param shard this run's shard, or {@code null} for the whole manifest
 */
record KeepShard(Shard shard) implements Function<Flux<ManifestEntry>, Flux<ManifestEntry>> {

  @Override
  public Flux<ManifestEntry> apply(Flux<ManifestEntry> entries) {
    return shard == null ? entries : entries.filter(e -> shard.contains(key(e)));
  }

  /** The key the shard hashes: an item's key, or an invalid row's key. */
  static String key(ManifestEntry entry) {
    return entry instanceof ManifestEntry.Valid v ? v.item().key() : ((ManifestEntry.Invalid) entry).key();
  }
}
