package ai.bctrl.provisioner.internal.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;

/**
 * {@code --defaults FILE.json}: a partial request body plus an optional {@code spaceId}, merged
 * under every row. Checked whole when read: it must be a valid body on its own (its proxy is
 * complete, since a row that touches the proxy drops it whole), with every {@code ${NAME}} set.
 *
 * @param written the body as written (no {@code spaceId})
 * @param effective the body interpolated
 * @param spaceId its space, or {@code null}
 */
record Defaults(Map<String, Object> written, Map<String, Object> effective, String spaceId) {
  static final Defaults NONE = new Defaults(Map.of(), Map.of(), null);

  static Defaults read(Path path, Map<String, String> env) {
    String file = path.toString();
    Object tree;
    try (InputStream in = Files.newInputStream(path);
        JsonParser p = Trees.JSON.createParser(ObjectReadContext.empty(), in)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        throw new ManifestException(file + ":1: --defaults must be a JSON object: a partial request body"
            + " such as {\"config\": {\"stealth\": \"high\"}}");
      }
      tree = Trees.read(p);
      if (p.nextToken() != null) {
        throw new ManifestException(file + ":" + p.currentTokenLocation().getLineNr()
            + ": more content after the defaults object; remove it");
      }
    } catch (NoSuchFileException e) {
      throw new ManifestException(file + ": no such file; check the --defaults path", e);
    } catch (IOException e) {
      throw new ManifestException(file + ": cannot be read (" + e.getMessage() + "); check the --defaults path", e);
    } catch (JacksonException e) {
      long line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
      throw new ManifestException(file + ":" + line + ": malformed JSON in --defaults; fix its quotes, commas and brackets", e);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> written = new LinkedHashMap<>((Map<String, Object>) tree);
    for (String k : List.of("count", "key")) {
      if (written.containsKey(k)) {
        throw new ManifestException(file + ": \"" + k + "\" is not allowed in --defaults; set it per row");
      }
    }
    List<Problem> problems = new ArrayList<>();
    @SuppressWarnings("unchecked")
    Map<String, Object> effective = (Map<String, Object>) Interpolation.apply(written, "", env, problems);
    String spaceId = null;
    if (effective.containsKey("spaceId")) {
      Object s = effective.remove("spaceId");
      if (s instanceof String str && RowProcessor.isValidSpace(str)) {
        spaceId = str;
      } else if (s != null) {
        problems.add(new Problem("spaceId", RowProcessor.SPACE_RULE + ", got " + Trees.render(written.get("spaceId"))));
      }
    }
    written.remove("spaceId");
    Map<String, Object> body = Trees.merge(Map.of(), effective, "");
    new RequestChecker(problems, field -> {
      Object v = Trees.at(written, field);
      return v == Trees.MISSING ? null : Trees.render(v);
    }).check(body);
    if (!problems.isEmpty()) {
      throw new ManifestException(file + ": " + problems.stream()
          .map(pr -> pr.field() == null ? pr.message() : pr.field() + ": " + pr.message())
          .collect(Collectors.joining("; ")) + " (in --defaults)");
    }
    return new Defaults(written, body, spaceId);
  }
}
