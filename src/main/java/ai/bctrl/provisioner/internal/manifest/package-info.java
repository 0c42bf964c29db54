/**
 * Manifests: reading CSV, JSON and JSONL manifests into {@link ai.bctrl.provisioner.Item}s, lazily
 * and in constant memory, with {@code --defaults} merging, {@code ${NAME}} interpolation, type
 * conversion, {@code count} expansion, item keys and a schema check of every row, plus the plan
 * that {@code validate} prints. The public surface is {@link
 * ai.bctrl.provisioner.internal.manifest.ManifestReader}, {@link ai.bctrl.provisioner.internal.manifest.ManifestOptions},
 * {@link ai.bctrl.provisioner.internal.manifest.ManifestEntry}, {@link
 * ai.bctrl.provisioner.internal.manifest.ManifestPlan} and the two exceptions; everything else is
 * package-private. Nothing here touches the network or the ledger, keeps more than one row in
 * memory at a time (apart from 64-bit hashes of the row keys seen), or ever puts an interpolated
 * value (a proxy password) into a message.
 */
package ai.bctrl.provisioner.internal.manifest;
