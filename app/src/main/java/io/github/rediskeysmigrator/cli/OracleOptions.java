package io.github.rediskeysmigrator.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** For a {@code verify} of an AOF source: where to cut it, and which server loads the cut copy. */
final class OracleOptions {
  @Mixin AofOptions aof = new AofOptions();

  @Option(
      names = "--oracle-server",
      paramLabel = "PATH",
      description = {
        "For an AOF source: the redis-server (or valkey-server) binary that loads the copy of the"
            + " AOF cut at --until / --until-offset, the reference the destination is compared"
            + " with; the version that wrote the AOF is the safe choice (default: redis-server on"
            + " PATH)."
      })
  Path server;

  /** Whether a stop was asked for, which only an AOF source takes. */
  boolean stopAsked() {
    return aof.until != null || aof.untilOffset != null;
  }
}
