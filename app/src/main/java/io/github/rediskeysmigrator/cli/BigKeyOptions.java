package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.MigrationConfig;
import picocli.CommandLine.Option;

/** How keys too big to hold in memory are read from an RDB ({@code rdb}, {@code sync}). */
final class BigKeyOptions {
  @Option(
      names = "--big-key-threshold",
      paramLabel = "BYTES",
      description = {
        "A key whose serialized value is larger than this is never held in memory: it is spilled"
            + " to a temporary file while read and written from there as plain commands in chunks"
            + " (RPUSH, HSET, ...) under a temporary key renamed into place. Default: "
            + MigrationConfig.Defaults.BIG_KEY_THRESHOLD
            + " (64 MiB)."
      })
  long bigKeyThreshold = MigrationConfig.Defaults.BIG_KEY_THRESHOLD;

  /** The threshold, checked. */
  long threshold() {
    return checked(bigKeyThreshold);
  }

  /** {@code bytes} as a --big-key-threshold, checked (also for scan's own option). */
  static long checked(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("--big-key-threshold must be at least 1, got " + bytes);
    }
    return bytes;
  }
}
