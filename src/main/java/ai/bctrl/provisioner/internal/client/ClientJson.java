package ai.bctrl.provisioner.internal.client;

import ai.bctrl.provisioner.model.ApiError;
import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of every client in the JVM: one mapper (immutable and thread-safe once built), the
 * writer of create bodies, the reader of create answers and the reader of error answers. Shared because Jackson learns a type
 * once per mapper: looking over {@code CreateRuntimeRequest} and its parts is most of the cost of
 * the first body, paid once per process rather than once per client (and off the main thread when
 * the executable warms it up, see {@link Warmup}).
 */
final class ClientJson {
  static final JsonMapper MAPPER = JsonMapper.builder().build();
  static final ObjectWriter REQUEST_WRITER = MAPPER.writerFor(CreateRuntimeRequest.class);
  static final CreatedReader CREATED = new CreatedReader(MAPPER);
  static final ObjectReader ERROR_READER = MAPPER.readerFor(ApiError.class);

  private ClientJson() {}
}
