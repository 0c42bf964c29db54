package ai.bctrl.provisioner.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** Reading is demand-driven: only what is requested is read. */
class ManifestStreamingTest {
  private static final long MB = 1024 * 1024;
  private static final String PAD = "x".repeat(1000);

  @TempDir Path dir;

  /** Counts the bytes handed out by the wrapped stream, and notes its closing and reading thread. */
  static final class Counting extends FilterInputStream {
    final AtomicLong bytes = new AtomicLong();
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicReference<String> thread = new AtomicReference<>();

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      thread.compareAndSet(null, Thread.currentThread().getName());
      int b = super.read();
      if (b >= 0) {
        bytes.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      thread.compareAndSet(null, Thread.currentThread().getName());
      int n = super.read(b, off, len);
      if (n > 0) {
        bytes.addAndGet(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      bytes.addAndGet(s);
      return s;
    }

    @Override
    public void close() throws IOException {
      closed.set(true);
      super.close();
    }
  }

  private Path generate(String name, String header, String firstRow, String rowFormat, String footer, long size)
      throws IOException {
    Path p = dir.resolve(name);
    try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
      w.write(header);
      w.write(firstRow);
      long written = header.length() + firstRow.length();
      for (int i = 0; written < size; i++) {
        String row = String.format(rowFormat, i, PAD);
        w.write(row);
        written += row.length();
      }
      w.write(footer);
    }
    return p;
  }

  private Counting[] tap = new Counting[1];

  private reactor.core.publisher.Flux<ManifestEntry> read(Path p) {
    ManifestOptions o = ManifestOptions.builder().path(p).defaultSpace(Manifests.SPACE).env(Map.of()).build();
    return ManifestReader.read(o, in -> tap[0] = new Counting(in));
  }

  /**
   * The file is closed by whoever runs the reader's cleanup: after a cancel from inside {@code
   * onNext} that is the reading thread, once its loop unwinds, which may be just after {@code
   * verify} returns on the test's thread.
   */
  private void assertClosedSoon() {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!tap[0].closed.get() && System.nanoTime() < until) {
      LockSupport.parkNanos(1_000_000);
    }
    assertThat(tap[0].closed).isTrue();
  }

  @Test
  void oneItemFromA100MegabyteCsvReadsAtMostAboutOneMegabyte() throws IOException {
    Path p = generate("big.csv", "key,metadata.pad\n", "", "k%d,%s\n", "", 100 * MB);
    assertThat(Files.size(p)).isGreaterThanOrEqualTo(100 * MB);
    StepVerifier.create(read(p), 1)
        .assertNext(e -> assertThat(((ManifestEntry.Valid) e).item().key()).isEqualTo("k0"))
        .then(() -> assertThat(tap[0].bytes.get()).isLessThanOrEqualTo(MB))
        .thenCancel()
        .verify(Duration.ofSeconds(30));
    assertClosedSoon();
    assertThat(tap[0].thread.get()).startsWith("boundedElastic");
  }

  @Test
  void oneItemFromABigJsonArrayOrJsonlReadsAtMostAboutOneMegabyte() throws IOException {
    Path json = generate("big.json", "[\n", "", "{\"key\": \"k%d\", \"metadata\": {\"pad\": \"%s\"}},\n",
        "{\"key\": \"last\"}\n]\n", 20 * MB);
    Path jsonl = generate("big.jsonl", "", "", "{\"key\": \"k%d\", \"metadata\": {\"pad\": \"%s\"}}\n", "", 20 * MB);
    for (Path p : new Path[] {json, jsonl}) {
      StepVerifier.create(read(p), 1)
          .assertNext(e -> assertThat(((ManifestEntry.Valid) e).item().key()).isEqualTo("k0"))
          .then(() -> assertThat(tap[0].bytes.get()).as(p.toString()).isLessThanOrEqualTo(MB))
          .thenCancel()
          .verify(Duration.ofSeconds(30));
      assertClosedSoon();
    }
  }

  @Test
  void aRowsCountIsExpandedOneItemPerRequest() throws IOException {
    Path p = generate("count.csv", "key,count,metadata.pad\n", "many,10000,\n", "k%d,1,%s\n", "", 20 * MB);
    StepVerifier.create(read(p), 3)
        .expectNextCount(3)
        .thenRequest(9997)
        .expectNextCount(9997)
        .then(() -> assertThat(tap[0].bytes.get()).isLessThanOrEqualTo(MB))
        .thenRequest(1)
        .assertNext(e -> assertThat(((ManifestEntry.Valid) e).item().key()).isEqualTo("k0"))
        .thenCancel()
        .verify(Duration.ofSeconds(30));
  }

  @Test
  void nothingIsOpenedBeforeSubscription() throws IOException {
    Path p = generate("small.csv", "key\n", "a\n", "k%d\n", "b\n", 0);
    var flux = read(p);
    assertThat(tap[0]).isNull();
    StepVerifier.create(flux).expectNextCount(2).verifyComplete();
    assertClosedSoon();
  }
}
