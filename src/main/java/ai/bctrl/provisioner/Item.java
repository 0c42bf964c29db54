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

  /**
   * Checks the fields; unlike {@link #of} and {@link Builder#build()} it does not stamp the key into
   * the body, so {@code request} must already carry it.
   *
   * @param key 1..{@value #MAX_KEY_LENGTH} printable ASCII characters without spaces
   * @param spaceId not blank
   * @param request a body whose {@code metadata.provisionerKey} equals {@code key}
   * @param line {@code >= 0}; 0 when the item came from no file
   * @throws NullPointerException when {@code key}, {@code spaceId} or {@code request} is {@code null}
   * @throws IllegalArgumentException naming the bad field
   */
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

  /**
   * A builder; {@code key}, {@code spaceId} and {@code request} are required.
   *
   * @return a new, empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this item's fields, to derive a changed copy; this item does not change.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder().key(key).spaceId(spaceId).request(request).line(line);
  }

  /**
   * An item from no file, whose body gets {@code metadata.provisionerKey = key}; {@link #builder()}
   * reads better, as it names the two strings.
   *
   * @param key the item key: 1..{@value #MAX_KEY_LENGTH} printable ASCII characters without spaces
   * @param spaceId the space to create the runtime in; not blank
   * @param request the body; a copy carrying the key is sent
   * @return the item, with {@code line} 0
   * @throws NullPointerException when an argument is {@code null}
   * @throws IllegalArgumentException naming the bad field
   */
  public static Item of(String key, String spaceId, CreateRuntimeRequest request) {
    return of(key, spaceId, request, 0);
  }

  /**
   * An item from manifest line {@code line}, whose body gets {@code metadata.provisionerKey = key}.
   *
   * @param key the item key: 1..{@value #MAX_KEY_LENGTH} printable ASCII characters without spaces
   * @param spaceId the space to create the runtime in; not blank
   * @param request the body; a copy carrying the key is sent
   * @param line where the item came from, {@code >= 0}; 0 for no file
   * @return the item
   * @throws NullPointerException when an argument is {@code null}
   * @throws IllegalArgumentException naming the bad field
   */
  public static Item of(String key, String spaceId, CreateRuntimeRequest request, long line) {
    return new Item(key, spaceId, request.withProvisionerKey(key), line);
  }

  /**
   * The runtime name the body asks for.
   *
   * @return {@code request().name()}, or {@code null} when the body names none
   */
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

    /**
     * The item key (required).
     *
     * @param key 1..{@value Item#MAX_KEY_LENGTH} printable ASCII characters without spaces, the same
     *     on every run that means the same runtime
     * @return this builder
     */
    public Builder key(String key) {
      this.key = key;
      return this;
    }

    /**
     * The space to create the runtime in (required).
     *
     * @param spaceId the space's id; not blank
     * @return this builder
     */
    public Builder spaceId(String spaceId) {
      this.spaceId = spaceId;
      return this;
    }

    /**
     * The body to send (required); {@link #build()} sends a copy whose {@code
     * metadata.provisionerKey} is the key.
     *
     * @param request the body
     * @return this builder
     */
    public Builder request(CreateRuntimeRequest request) {
      this.request = request;
      return this;
    }

    /**
     * Where the item came from, passed through to its result; default 0.
     *
     * @param line a line number {@code >= 0}; 0 for none
     * @return this builder
     * @throws IllegalArgumentException when {@code line} is negative
     */
    public Builder line(long line) {
      if (line < 0) {
        throw new IllegalArgumentException("line must be >= 0 but was " + line);
      }
      this.line = line;
      return this;
    }

    /**
     * Makes the item; the builder may be used again afterwards.
     *
     * @return the item, its body carrying the key
     * @throws NullPointerException naming a required field that is not set
     * @throws IllegalArgumentException naming the bad field
     */
    public Item build() {
      Objects.requireNonNull(key, "key must be set");
      Objects.requireNonNull(spaceId, "spaceId must be set");
      Objects.requireNonNull(request, "request must be set");
      return of(key, spaceId, request, line);
    }
  }
}
