package ai.bctrl.provisioner.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The warm-up names classes by their names: each must still exist, or it would warm nothing up, silently. */
class WarmupTest {
  @Test
  void everyClassItNamesExists() {
    ClassLoader loader = Warmup.class.getClassLoader();
    assertThat(Stream.concat(Stream.of(Warmup.HTTP_CLASSES), Stream.of(Warmup.JSON_CLASSES)))
        .isNotEmpty()
        .allSatisfy(name -> assertThat(Class.forName(name, false, loader)).isNotNull());
  }
}
