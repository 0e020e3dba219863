package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.MigrationConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where keys go: {@code --to}, or the original script's DESTINATION_REDIS_* variables. */
final class DestinationOptions {

  @Option(
      names = "--to",
      paramLabel = "URI",
      description = {
        "Destination redis://[user:password@]host:port[/db].",
        "Without it: DESTINATION_REDIS_HOST, DESTINATION_REDIS_PORT, DESTINATION_REDIS_DB_INDEX,"
            + " then "
            + MigrationConfig.Defaults.DESTINATION
            + ".",
        "A password may also come from DESTINATION_REDIS_PASSWORD."
      })
  String to;

  @Option(names = "--to-tls", description = "Use TLS to the destination (as with rediss://).")
  boolean toTls;

  @Option(
      names = "--to-password-file",
      paramLabel = "FILE",
      description = "Read the destination's password from the first line of FILE.")
  java.nio.file.Path passwordFile;

  EnvAddress.Resolved resolve(Map<String, String> env) {
    EnvAddress.Resolved r =
        EnvAddress.withPasswordFile(EnvAddress.resolve(to, "DESTINATION", env), passwordFile);
    return toTls ? new EnvAddress.Resolved(r.uri().withTls(true), r.explicitDb()) : r;
  }
}
