package ai.bctrl.provisioner.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum of the API whose constants have a wire name (the string sent and received). */
public interface WireEnum {
  /**
   * The exact string the API uses for this constant.
   *
   * @return the wire name, e.g. {@code "en-US"}
   */
  String wire();

  /**
   * The constant of {@code type} whose wire name is {@code wire}, if any (exact match).
   *
   * @param <E> the enum
   * @param type the enum's class
   * @param wire the wire name to look for; {@code null} matches nothing
   * @return the matching constant, or empty when none matches
   */
  static <E extends Enum<E> & WireEnum> Optional<E> fromWire(Class<E> type, String wire) {
    for (E e : type.getEnumConstants()) {
      if (e.wire().equals(wire)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * The wire names of {@code type}, comma-separated, for error messages.
   *
   * @param <E> the enum
   * @param type the enum's class
   * @return the wire names in declaration order, e.g. {@code "http, socks5"}
   */
  static <E extends Enum<E> & WireEnum> String wireNames(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(WireEnum::wire).collect(Collectors.joining(", "));
  }
}
