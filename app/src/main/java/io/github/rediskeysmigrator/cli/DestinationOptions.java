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

  EnvAddress.Resolved resolve(Map<String, String> env) {
    return EnvAddress.resolve(to, "DESTINATION", env);
  }
}
