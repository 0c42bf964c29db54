package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.internal.Durations;
import ai.bctrl.provisioner.internal.manifest.ManifestFormat;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters with the CLI's one-line messages. */
final class Converters {
  private Converters() {}

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class ShardConverter implements ITypeConverter<Shard> {
    @Override
    public Shard convert(String value) {
      try {
        return Shard.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class FormatConverter implements ITypeConverter<ManifestFormat> {
    @Override
    public ManifestFormat convert(String value) {
      try {
        return ManifestFormat.of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("must be csv, json or jsonl, got \"" + value + "\"");
      }
    }
  }

  /** {@code --rate}: a number of starts per second, or {@code auto}. */
  static final class RateConverter implements ITypeConverter<RateArg> {
    @Override
    public RateArg convert(String value) {
      if (value.strip().equalsIgnoreCase("auto")) {
        return RateArg.AUTO;
      }
      try {
        return new RateArg(false, Double.parseDouble(value.strip()));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("must be calls per second (0 = no limit) or auto, got \"" + value + "\"");
      }
    }
  }

  /** {@code --rate}'s value: {@code auto}, or a fixed rate. */
  record RateArg(boolean auto, double perSecond) {
    static final RateArg AUTO = new RateArg(true, 0);

    @Override
    public String toString() {
      if (auto) {
        return "auto";
      }
      return perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond);
    }
  }
}
