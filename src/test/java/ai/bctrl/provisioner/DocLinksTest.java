package ai.bctrl.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the project's Markdown (README, {@code docs/}, {@code jobs/},
 * {@code sample-data/}) leads somewhere: the file exists and, for a {@code #fragment} into a
 * Markdown file, a heading (by GitHub's rule: lower case, punctuation dropped, spaces as
 * {@code -}) or an {@code <a id>} of that name is there.
 */
class DocLinksTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");
  private static final Pattern ANCHOR = Pattern.compile("<a id=\"([^\"]+)\"");
  private static final Pattern FENCED = Pattern.compile("(?s)```.*?```");

  @Test
  void everyRelativeLinkAndAnchorResolves() throws IOException {
    List<Path> docs = markdownFiles();
    assertThat(docs).contains(Path.of("README.md"), Path.of("docs", "reference.md"));
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    for (Path doc : docs) {
      String text = FENCED.matcher(Files.readString(doc)).replaceAll("");
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String link = m.group(1);
        if (link.matches("^[a-z]+:.*")) {
          continue; // http:, https:, mailto:
        }
        int hash = link.indexOf('#');
        String file = hash < 0 ? link : link.substring(0, hash);
        Path target = file.isEmpty() ? doc : doc.resolveSibling(file).normalize();
        if (!Files.exists(target)) {
          broken.add(doc + ": " + link + " (no file " + target + ")");
        } else if (hash >= 0 && target.toString().endsWith(".md")) {
          String fragment = link.substring(hash + 1);
          if (!anchors.computeIfAbsent(target, DocLinksTest::anchorsOf).contains(fragment)) {
            broken.add(doc + ": " + link + " (no heading or <a id> \"" + fragment + "\" in " + target + ")");
          }
        }
      }
    }
    assertThat(broken).as("links that lead nowhere").isEmpty();
  }

  /** GitHub's anchors of a Markdown file: one per heading (repeats get -1, -2...) and per {@code <a id>}. */
  static Set<String> anchorsOf(Path doc) {
    String text;
    try {
      text = Files.readString(doc);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Set<String> out = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    Matcher h = HEADING.matcher(FENCED.matcher(text).replaceAll(""));
    while (h.find()) {
      String slug = h.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      out.add(n == 0 ? slug : slug + "-" + n);
    }
    Matcher a = ANCHOR.matcher(text);
    while (a.find()) {
      out.add(a.group(1));
    }
    return out;
  }

  @Test
  void theSlugRuleIsGitHubs() throws IOException {
    Path doc = Files.createTempFile("doc", ".md");
    try {
      Files.writeString(doc, "# Stopping: signals and `--deadline`\n## Run\n## Run\n<a id=\"x-y\"></a>\n");
      assertThat(anchorsOf(doc)).containsExactlyInAnyOrder("stopping-signals-and---deadline", "run", "run-1", "x-y");
    } finally {
      Files.delete(doc);
    }
  }

  private static List<Path> markdownFiles() throws IOException {
    List<Path> out = new ArrayList<>();
    out.add(Path.of("README.md"));
    for (String dir : List.of("docs", "jobs", "sample-data")) {
      try (Stream<Path> files = Files.walk(Path.of(dir))) {
        files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
      }
    }
    return out;
  }
}
