package ai.bctrl.provisioner.internal.manifest;

/** Rows of one manifest, read one at a time on demand. */
interface RowSource extends AutoCloseable {
  /** The next row, or {@code null} at the end. Throws {@link ManifestException} on malformed input. */
  RawRow next();

  @Override
  void close();
}
