package ai.bctrl.provisioner.internal.manifest;

import ai.bctrl.provisioner.Item;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Test helpers: write a manifest into a directory and read it whole. */
final class Manifests {
  static final String SPACE = "0b1e5c3a-7f55-4f0e-9a57-5f3c2a1d9e01";
  static final String SPACE_2 = "6d2f0a4b-1c3e-4b5d-8e7f-9a0b1c2d3e4f";
  static final String SAVED_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

  private Manifests() {}

  static Path write(Path dir, String name, String content) {
    return write(dir, name, content.getBytes(StandardCharsets.UTF_8));
  }

  static Path write(Path dir, String name, byte[] content) {
    try {
      Path p = dir.resolve(name);
      Files.write(p, content);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<ManifestEntry> read(Path manifest) {
    return read(manifest, b -> {});
  }

  static List<ManifestEntry> read(Path manifest, Consumer<ManifestOptions.Builder> options) {
    ManifestOptions.Builder b = ManifestOptions.builder().path(manifest).defaultSpace(SPACE).env(Map.of());
    options.accept(b);
    return ManifestReader.read(b.build()).collectList().block(Duration.ofSeconds(30));
  }

  static List<Item> items(List<ManifestEntry> entries) {
    return entries.stream().map(e -> {
      if (e instanceof ManifestEntry.Valid v) {
        return v.item();
      }
      throw new AssertionError("expected only valid entries, got " + e);
    }).toList();
  }

  static List<String> errors(List<ManifestEntry> entries, String file) {
    return entries.stream()
        .filter(e -> e instanceof ManifestEntry.Invalid)
        .map(e -> ((ManifestEntry.Invalid) e).describe(file))
        .toList();
  }

  /** The one item of a one-row CSV with {@code header} and {@code row}. */
  static ManifestEntry one(Path dir, String header, String row) {
    List<ManifestEntry> all = read(write(dir, "m.csv", header + "\n" + row + "\n"));
    if (all.size() != 1) {
      throw new AssertionError("expected one entry, got " + all);
    }
    return all.get(0);
  }

  /** The error line of a one-row CSV, or a failure when the row is valid. */
  static String error(Path dir, String header, String row) {
    ManifestEntry e = one(dir, header, row);
    if (e instanceof ManifestEntry.Invalid i) {
      return i.describe("m.csv");
    }
    throw new AssertionError("expected an invalid row, got " + e);
  }

  static Item item(Path dir, String header, String row) {
    ManifestEntry e = one(dir, header, row);
    if (e instanceof ManifestEntry.Valid v) {
      return v.item();
    }
    throw new AssertionError("expected a valid row, got " + ((ManifestEntry.Invalid) e).describe("m.csv"));
  }
}
