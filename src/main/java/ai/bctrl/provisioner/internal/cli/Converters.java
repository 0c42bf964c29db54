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
}
