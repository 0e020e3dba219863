package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.RedisUri;
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

  /**
   * The destination and whether its db was chosen by the user (then every key goes there unless
   * --db-map says otherwise).
   */
  record Resolved(RedisUri uri, boolean explicitDb) {}

  Resolved resolve(Map<String, String> env) {
    RedisUri uri;
    boolean explicitDb;
    if (to != null) {
      uri = RedisUri.parse(to);
      explicitDb = uri.db() >= 0;
    } else {
      String host = env.getOrDefault("DESTINATION_REDIS_HOST", "");
      String port = env.getOrDefault("DESTINATION_REDIS_PORT", "");
      String db = env.getOrDefault("DESTINATION_REDIS_DB_INDEX", "");
      uri = RedisUri.parse(MigrationConfig.Defaults.DESTINATION).withDb(-1);
      if (!host.isBlank()) {
        uri = new RedisUri(host.trim(), uri.port(), -1, null, null, false);
      }
      if (!port.isBlank()) {
        uri =
            new RedisUri(
                uri.host(), parseInt("DESTINATION_REDIS_PORT", port), -1, null, null, false);
      }
      explicitDb = !db.isBlank();
      if (explicitDb) {
        uri = uri.withDb(parseInt("DESTINATION_REDIS_DB_INDEX", db));
      }
    }
    String password = env.get("DESTINATION_REDIS_PASSWORD");
    if (uri.password() == null && password != null && !password.isEmpty()) {
      uri = uri.withPassword(password);
    }
    return new Resolved(uri, explicitDb);
  }

  private static int parseInt(String variable, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be a number, got '" + value + "'", e);
    }
  }
}
