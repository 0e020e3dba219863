package io.github.rediskeysmigrator.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** Where keys come from for live sources: {@code --from}, or SOURCE_REDIS_* variables. */
final class SourceOptions {

  @Option(
      names = "--from",
      paramLabel = "URI",
      description = {
        "Source redis://[user:password@]host:port[/db].",
        "sync and scan also take a master behind Sentinel,"
            + " redis-sentinel://host:port[,host:port]/name (user:password@ and /name/db as in"
            + " redis://, rediss-sentinel:// for TLS), or several addresses of which one is the master,"
            + " redis://host:port,host:port: it follows a failover (docs/failovers.md).",
        "Without it: SOURCE_REDIS_HOST, SOURCE_REDIS_PORT, SOURCE_REDIS_DB_INDEX, then"
            + " redis://localhost:6379/0.",
        "A password may also come from SOURCE_REDIS_PASSWORD."
      })
  String from;

  @Option(names = "--from-tls", description = "Use TLS to the source (as with rediss://).")
  boolean fromTls;

  @Option(
      names = "--from-password-file",
      paramLabel = "FILE",
      description = "Read the source's password from the first line of FILE.")
  java.nio.file.Path passwordFile;

  EnvAddress.Resolved resolve(Map<String, String> env) {
    EnvAddress.Resolved r =
        EnvAddress.withPasswordFile(EnvAddress.resolve(from, "SOURCE", env), passwordFile);
    return fromTls ? r.withTls() : r;
  }
}
