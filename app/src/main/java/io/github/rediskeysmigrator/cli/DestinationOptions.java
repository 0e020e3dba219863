package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.MasterLocator;
import io.github.rediskeysmigrator.redis.Tls;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where keys go: {@code --to}, or the original script's DESTINATION_REDIS_* variables. */
final class DestinationOptions {

  @Option(
      names = "--to",
      paramLabel = "URI",
      description = {
        "Destination redis://[user:password@]host:port[/db].",
        "Also a master behind Sentinel,"
            + " redis-sentinel://host:port[,host:port]/name (user:password@ and /name/db as in"
            + " redis://, rediss-sentinel:// for TLS), or several addresses of which one is the master,"
            + " redis://host:port,host:port: writes go on at the new master after a failover"
            + " (docs/failovers.md). verify takes one node's address.",
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

  /** The destination's master now: the address, or what its Sentinels or nodes name. */
  RedisUri master(Map<String, String> env, Tls tls) throws ConnectException {
    EnvAddress.Resolved r = resolve(env);
    return r.failover() == null
        ? r.uri()
        : new MasterLocator(r.failover(), tls, "destination").master();
  }

  EnvAddress.Resolved resolve(Map<String, String> env) {
    EnvAddress.Resolved r =
        EnvAddress.withPasswordFile(EnvAddress.resolve(to, "DESTINATION", env), passwordFile);
    return toTls ? r.withTls() : r;
  }
}
