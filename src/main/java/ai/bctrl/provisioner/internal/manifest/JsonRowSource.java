package ai.bctrl.provisioner.internal.manifest;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.exc.JacksonIOException;

/**
 * JSON rows, streamed token by token with Jackson's parser: the elements of one top-level array
 * ({@code .json}) or a sequence of top-level values, one a line ({@code .jsonl}, {@code .ndjson}).
 * Only one element is in memory at a time.
 */
final class JsonRowSource implements RowSource {
  private final JsonParser parser;
  private final String file;
  private final Map<String, String> env;
  private final boolean array;
  private boolean done;
  private boolean any;

  JsonRowSource(InputStream stream, String file, Map<String, String> env, boolean array) {
    this.file = file;
    this.env = env;
    this.array = array;
    this.parser = guard(() -> Trees.JSON.createParser(ObjectReadContext.empty(), stream));
    if (array) {
      JsonToken first = guard(parser::nextToken);
      if (first == null) {
        throw new ManifestException(file + ":1: the file is empty; a JSON manifest is an array of objects, [{...}, ...]");
      }
      if (first != JsonToken.START_ARRAY) {
        throw new ManifestException(file + ":" + parser.currentTokenLocation().getLineNr()
            + ": a JSON manifest must be an array of objects, [{...}, ...]; for one object per line name the file .jsonl");
      }
    }
  }

  @Override
  public RawRow next() {
    return guard(this::read);
  }

  private RawRow read() {
    if (done) {
      return null;
    }
    JsonToken t = parser.nextToken();
    if (array && t == JsonToken.END_ARRAY) {
      done = true;
      JsonToken after = parser.nextToken();
      if (after != null) {
        throw new ManifestException(file + ":" + parser.currentTokenLocation().getLineNr()
            + ": more content after the closing ] of the array; remove it or put it inside the array");
      }
      return null;
    }
    if (t == null) {
      done = true;
      if (array) {
        throw new ManifestException(file + ":" + parser.currentLocation().getLineNr()
            + ": the JSON array is never closed; end it with ]");
      }
      if (!any) {
        throw new ManifestException(file + ":1: the file is empty; a JSONL manifest holds one JSON object a line");
      }
      return null;
    }
    any = true;
    long line = parser.currentTokenLocation().getLineNr();
    Object value = Trees.read(parser);
    if (!(value instanceof Map)) {
      return new RawRow(line, null, null, List.of(), null,
          (array ? "each element must be a JSON object (one runtime shape), got " : "each line must be a JSON object (one runtime shape), got ")
              + Trees.render(value));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> written = (Map<String, Object>) value;
    List<Problem> problems = new ArrayList<>();
    @SuppressWarnings("unchecked")
    Map<String, Object> effective = (Map<String, Object>) Interpolation.apply(written, "", env, problems);
    return new RawRow(line, written, effective, problems, null, null);
  }

  private <T> T guard(java.util.function.Supplier<T> s) {
    try {
      return s.get();
    } catch (JacksonException e) {
      throw malformed(e);
    }
  }

  private ManifestException malformed(JacksonException e) {
    if (e instanceof JacksonIOException io) {
      Throwable cause = io.getCause() == null ? io : io.getCause();
      return new ManifestException(file + ": cannot be read (" + cause.getMessage() + "); check the file", e);
    }
    long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    String what = e.getOriginalMessage();
    if (what == null) {
      what = e.getClass().getSimpleName();
    }
    what = what.lines().findFirst().orElse("").replaceAll("token '[^']*'", "token");
    return new ManifestException(file + ":" + Math.max(line, 1) + ": malformed JSON: " + what
        + "; fix the JSON (quotes, commas, brackets)", e);
  }

  @Override
  public void close() {
    try {
      parser.close();
    } catch (JacksonException e) {
      // closing a reader loses nothing
    }
  }
}
