package ai.bctrl.provisioner;

import ai.bctrl.provisioner.model.CreateRuntimeRequest;
import java.util.Objects;

/**
 * One runtime to provision: its stable key, its space and the exact body to send. The body always
 * carries the key as {@code metadata.provisionerKey}. Build items with {@link #builder()}:
 *
 * <pre>{@code
 * Item item = Item.builder()
 *     .key("nightly:worker#1")
 *     .spaceId("sp_123")
 *     .request(CreateRuntimeRequest.builder().name("worker-1").build())
 *     .build();
 * }</pre>
 *
 * <p>The key is what makes a create safe to settle: it is sent as {@code Idempotency-Key} and
 * stamped into the runtime's metadata, so a lost answer is resolved by finding the key in a listing.
 * Give each runtime its own stable key (the same key on every run that means the same runtime).
 *
 * @param key the item key: sent as {@code Idempotency-Key} and used to find the runtime on the
 *     server
 * @param spaceId the space to create it in
 * @param request the body, with {@code metadata.provisionerKey == key}
 * @param line where the item came from, passed through to its {@link ItemResult} (the CLI puts
 *     the manifest line there); 0 when it came from no file
 */
public record Item(String key, String spaceId, CreateRuntimeRequest request, long line) {

  public Item {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(spaceId, "spaceId");
    Objects.requireNonNull(request, "request");
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("key must be 1.." + MAX_KEY_LENGTH + " characters but was " + key.length());
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException("key must be printable ASCII without spaces (it is sent as the "
            + "Idempotency-Key header) but has " + (c == ' ' ? "a space" : String.format("U+%04X", (int) c))
            + " at index " + i);
      }
    }
    if (spaceId.isBlank()) {
      throw new IllegalArgumentException("spaceId must not be blank");
    }
    if (!key.equals(request.provisionerKey())) {
      throw new IllegalArgumentException(
          "request metadata.provisionerKey must equal the item key \"" + key + "\"; build items with Item.of");
    }
  }

  /** The longest key the API takes as an {@code Idempotency-Key}. */
  public static final int MAX_KEY_LENGTH = 200;

  /** A builder; {@code key}, {@code spaceId} and {@code request} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this item's fields. */
  public Builder toBuilder() {
    return new Builder().key(key).spaceId(spaceId).request(request).line(line);
  }

  /** An item whose body gets {@code metadata.provisionerKey = key}; {@link #builder()} reads better. */
  public static Item of(String key, String spaceId, CreateRuntimeRequest request) {
    return of(key, spaceId, request, 0);
  }

  /** An item from manifest line {@code line}, whose body gets {@code metadata.provisionerKey = key}. */
  public static Item of(String key, String spaceId, CreateRuntimeRequest request, long line) {
    return new Item(key, spaceId, request.withProvisionerKey(key), line);
  }

  /** The runtime name the body asks for, or {@code null}. */
  public String name() {
    return request.name();
  }

  /**
   * Builds an {@link Item}; {@link #build()} stamps the key into the body's {@code
   * metadata.provisionerKey} and validates with named messages. Not thread-safe.
   */
  public static final class Builder {
    private String key;
    private String spaceId;
    private CreateRuntimeRequest request;
    private long line;

    private Builder() {}

    /** The item key (required): 1..200 printable ASCII characters, stable across runs. */
    public Builder key(String key) {
      this.key = key;
      return this;
    }

    /** The space to create the runtime in (required). */
    public Builder spaceId(String spaceId) {
      this.spaceId = spaceId;
      return this;
    }

    /** The body to send (required); its {@code metadata.provisionerKey} is set by {@link #build()}. */
    public Builder request(CreateRuntimeRequest request) {
      this.request = request;
      return this;
    }

    /** Where the item came from, passed through to its result; 0 (default) for none. */
    public Builder line(long line) {
      if (line < 0) {
        throw new IllegalArgumentException("line must be >= 0 but was " + line);
      }
      this.line = line;
      return this;
    }

    /** The item; throws {@link NullPointerException} or {@link IllegalArgumentException} naming the bad field. */
    public Item build() {
      Objects.requireNonNull(key, "key must be set");
      Objects.requireNonNull(spaceId, "spaceId must be set");
      Objects.requireNonNull(request, "request must be set");
      return of(key, spaceId, request, line);
    }
  }
}
