package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.verify.VerifyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code verify}: compare a source (RDB files or a live Redis) with the destination, key by key.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Compare the source with the destination key by key: existence, type, value and TTL (and"
          + " each hash field's TTL, Redis 7.4+). The"
          + " source is read the way rdb (files; header and checksum checked first) and scan (a"
          + " live Redis) read it, with the same filters, db mapping and --rename-prefix (each key"
          + " is looked up under its new name), so the options of a"
          + " migration verify exactly what it migrated.",
      "Values are compared by DUMP payload, and where the payloads differ (another server"
          + " version, hash-table order) by a canonical digest of the data. Keys above"
          + " --big-key-threshold are read in chunks, never whole. Keys only at the destination"
          + " are looked for with --extra-keys.",
      "The destination may be a Redis Cluster (db 0 only; a Valkey 9 cluster: the dbs of its"
          + " cluster-databases): each key is read on the master that owns its slot, one"
          + " connection per master.",
      "A Redis 8.6 stream's IDMP state (RDB 13) is compared where both sides hold one; a"
          + " destination without it is no difference, counted as idmp_not_compared.",
      "An AOF source is cut where `aof` stops (--until, --until-offset) and loaded by a"
          + " throwaway redis-server (--oracle-server) on a free loopback port: Redis's own loader,"
          + " not our replay, is the reference. The server is stopped and the copy deleted at the"
          + " end; one that cannot load the copy is exit 5 with the line it logged.",
      "Exit 0: identical; 6: differences found (see --diff-file)."
    })
final class VerifyCommand implements Callable<Integer> {

  private final Context ctx;

  @Option(
      names = "--from",
      arity = "1..*",
      paramLabel = "URI|FILE",
      description = {
        "The source: one live redis://[user:password@]host:port[/db], one or more .rdb /"
            + " .rdb.gz files (anything without redis:// or rediss:// is a file), or one AOF"
            + " (an appendonlydir, a manifest or an .aof file, as `aof` takes it).",
        "Without it: SOURCE_REDIS_HOST, SOURCE_REDIS_PORT, SOURCE_REDIS_DB_INDEX, then"
            + " redis://localhost:6379/0. A password may also come from SOURCE_REDIS_PASSWORD."
      })
  List<String> from = new ArrayList<>();

  @Mixin DestinationOptions destination = new DestinationOptions();

  @Mixin TlsOptions tlsOptions = new TlsOptions();

  @Mixin SelectionOptions selection = new SelectionOptions();

  @Mixin VerifyOptions verify = new VerifyOptions();

  @Mixin OracleOptions oracle = new OracleOptions();

  VerifyCommand(Context ctx) {
    this.ctx = ctx;
  }

  private long bigKeyThreshold() throws StartFailure {
    try {
      return verify.bigKeys.threshold();
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Launch launch =
        new Launch(
            ctx,
            (source, destination, code, reason) -> {
              VerifyReport r = new VerifyReport(source, destination, null);
              r.finish(0, 0, code, reason);
              return r.toJson();
            });
    return launch.run(
        () -> {
          Tls tls = tlsOptions.checked(ctx.err());
          // Tried before the comparison, which may take hours, not after it.
          launch.report(verify.output.report);
          VerifyOptions.Plan plan = verify.plan(from, selection, destination, ctx.env());
          VerifyRunner runner = new VerifyRunner(ctx, launch, verify);
          AofVerify aof = new AofVerify(ctx, oracle);
          if (aof.applies(plan)) {
            return aof.run(plan, runner, selection.dbs, bigKeyThreshold(), tls);
          }
          return runner.run(plan, tls);
        });
  }
}
