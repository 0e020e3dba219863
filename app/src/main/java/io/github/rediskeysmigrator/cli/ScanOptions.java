package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.Failovers;
import io.github.rediskeysmigrator.core.MigrationConfig.Defaults;
import io.github.rediskeysmigrator.core.OptionChecks;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.source.LiveScanSource;
import io.github.rediskeysmigrator.source.ScanSources;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** How {@code scan} reads its source: batch size, shard, big keys, and whether it stays live. */
final class ScanOptions {
  @Option(
      names = "--scan-count",
      paramLabel = "N",
      defaultValue = "" + Defaults.SCAN_COUNT,
      description =
          "COUNT hint of each SCAN call: keys read per batch (env SCAN_BATCH_SIZE; default:"
              + " ${DEFAULT-VALUE}).")
  int scanCount;

  @Option(
      names = "--shard-index",
      paramLabel = "N",
      description = {
        "Read only the N-th master of a cluster source (from 0, masters ordered by the lowest"
            + " hash slot they own), e.g. one pod of a Kubernetes Indexed Job per master; a"
            + " single-node source is shard 0. Default: the environment variable "
            + ShardChoice.INDEX_VARIABLE
            + " when set, else every master. "
            + ShardChoice.INDEX_PLACEHOLDER
            + " in --report and --error-log is replaced by N."
      })
  Integer shardIndex;

  @Option(
      names = "--live",
      description = {
        "Keep the destination in step after the copy: subscribe to the source's keyspace"
            + " notifications (of the selected dbs and --match) before the SCAN starts, then"
            + " re-read every key notified as changed (DUMP and expiry; a key that is gone is"
            + " deleted at the destination) until stopped (SIGINT/SIGTERM: exit 130) or, with"
            + " --until-caught-up, caught up. For sources that refuse PSYNC (ElastiCache,"
            + " Memorystore, Azure Cache). Needs notify-keyspace-events to include KEA. A re-read"
            + " replaces the key whatever --existing says (except a key the copy left alone);"
            + " after a lost subscription every key is re-read. Default: off (one pass)."
      })
  boolean live;

  @Option(
      names = "--enable-notifications",
      description = {
        "With --live: when the source's notify-keyspace-events lacks flags --live needs, add them"
            + " with CONFIG SET instead of stopping (self-hosted sources; managed services refuse"
            + " CONFIG: set it in their parameter group). Default: off."
      })
  boolean enableNotifications;

  @Option(
      names = "--live-pending-max-keys",
      paramLabel = "N",
      defaultValue = "" + Defaults.LIVE_PENDING_MAX_KEYS,
      description =
          "With --live: keys notified as changed and waiting to be re-read, at most, per source"
              + " node. Past it (or past --live-pending-max-mb) further notifications are dropped"
              + " and counted, and a rescan re-reads every key of the selection, so memory stays"
              + " bounded whatever the write rate. Default: ${DEFAULT-VALUE}.")
  long pendingMaxKeys;

  @Option(
      names = "--live-pending-max-mb",
      paramLabel = "MB",
      defaultValue = "" + Defaults.LIVE_PENDING_MAX_MB,
      description =
          "With --live: memory the waiting keys take, at most, per source node, estimated as each"
              + " key's name plus 160 bytes. Default: ${DEFAULT-VALUE}.")
  long pendingMaxMb;

  /** What to read, validated: a bad option is exit 2 before any server is asked. */
  ScanSources.Plan plan(
      SourceOptions source,
      WriteOptions writing,
      FollowOptions follow,
      Map<String, String> env,
      Failovers failovers)
      throws StartFailure {
    PipelineOptions pipeline = writing.pipeline;
    try {
      EnvAddress.Resolved resolved = source.resolve(env);
      RedisUri from = resolved.uri();
      List<Integer> dbs =
          pipeline.selection.dbs.isEmpty()
              ? List.of(from.dbOrZero())
              : List.copyOf(pipeline.selection.dbs);
      if (scanCount < 1) {
        throw new IllegalArgumentException("--scan-count (SCAN_BATCH_SIZE) must be at least 1");
      }
      writing.bigKeys.threshold();
      if (!live
          && (follow.cutover.untilCaughtUp || enableNotifications || follow.metrics.enabled())) {
        throw new IllegalArgumentException(
            (follow.cutover.untilCaughtUp
                    ? "--until-caught-up"
                    : enableNotifications ? "--enable-notifications" : "--metrics-port")
                + " needs --live (a plain scan ends by itself after one pass)");
      }
      OptionChecks.atLeastOne("--live-pending-max-keys", pendingMaxKeys);
      OptionChecks.atLeastOne("--live-pending-max-mb", pendingMaxMb);
      long idle = follow.checkedIdleMs();
      pipeline.selection.renamer();
      EnvAddress.Resolved to = writing.destination.resolve(env);
      if (sameDatabase(from, dbs, to)) {
        throw new IllegalArgumentException(
            "the source and the destination are the same database ("
                + from.address()
                + " db "
                + dbs.get(0)
                + "); choose another destination db");
      }
      return new ScanSources.Plan(
          from,
          dbs,
          pipeline.selection.matchBytes(),
          scanCount,
          writing.bigKeys.threshold(),
          live,
          enableNotifications,
          new LiveScanSource.PendingCap(pendingMaxKeys, pendingMaxMb << 20),
          follow.cutover.untilCaughtUp ? idle : -1,
          pipeline.timeoutMillis(),
          pipeline.retries,
          pipeline.retryBackoffMillis(),
          resolved.failover(),
          pipeline.failoverTimeoutMillis(),
          failovers,
          null);
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
  }

  private static boolean sameDatabase(RedisUri from, List<Integer> dbs, EnvAddress.Resolved to) {
    if (!from.host().equals(to.uri().host()) || from.port() != to.uri().port()) {
      return false;
    }
    return dbs.size() == 1 && (!to.explicitDb() || to.uri().db() == dbs.get(0));
  }
}
