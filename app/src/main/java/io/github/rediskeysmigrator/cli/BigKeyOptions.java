package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.verify.VerifyConfig;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The one {@code --big-key-threshold}: the size above which a key is never handled whole ({@code
 * rdb}, {@code sync}, {@code scan}: written in chunks; {@code verify}: compared in chunks).
 */
final class BigKeyOptions {
  @Option(
      names = "--big-key-threshold",
      paramLabel = "SIZE",
      defaultValue = VerifyConfig.Defaults.BIG_KEY_THRESHOLD,
      converter = Size.class,
      description = {
        "Keys bigger than this are never handled whole, e.g. 67108864, 512KB, 64MB (default:"
            + " ${DEFAULT-VALUE}). rdb, sync: a key whose serialized value is larger is spilled to"
            + " a temporary file while read and written from there as plain commands in chunks"
            + " (RPUSH, HSET, ...) under a temporary key renamed into place. scan: a key whose"
            + " DUMP payload is larger is written the same way, not by one RESTORE as big as the"
            + " key (a destination refuses a RESTORE above its proto-max-bulk-len, 512 MB by"
            + " default); the source's DUMP reply is still read whole once. verify: keys bigger"
            + " than this (MEMORY USAGE) are compared in chunks instead of with DUMP."
      })
  long bytes;

  /** The threshold of a migration, checked: at least 1 byte. */
  long threshold() {
    if (bytes < 1) {
      throw new IllegalArgumentException("--big-key-threshold must be at least 1, got " + bytes);
    }
    return bytes;
  }

  /** Reads a size in bytes, with an optional KB, MB or GB (powers of 1024). */
  static final class Size implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return VerifyConfig.parseSize("--big-key-threshold", value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
