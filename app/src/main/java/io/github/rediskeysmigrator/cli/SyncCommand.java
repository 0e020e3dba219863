package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.MigrationReport;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.SyncPoint;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.sink.CheckpointMarker;
import io.github.rediskeysmigrator.source.PsyncSource;
import io.github.rediskeysmigrator.source.SyncLag;
import io.github.rediskeysmigrator.source.SyncStreams;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sync}: attach to a live source as a replica, copy its snapshot, then follow it. */
@Command(
    name = "sync",
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Attach to a live source as a replica (PSYNC): its snapshot is written like `rdb` writes a"
          + " file, then every write the source makes is applied to the destination, in order,"
          + " until stopped (Ctrl-C or SIGTERM: the writer is flushed, the checkpoint saved, exit"
          + " 130).",
      "When --from is a node of a Redis Cluster, every master is followed (one replication"
          + " stream each; --checkpoint keeps one resume point per master), or the one"
          + " --shard-index names. Into a cluster"
          + " destination, each command goes to the master of its keys' slot; docs/clusters.md"
          + " lists the commands a cluster cannot take.",
      "Redis 8 commands (XADD IDMP, HSETEX, MSETEX, XDELEX, XACKDEL, DELEX, SET IFEQ, ...) go"
          + " as they are to a destination that knows them, else as the commands of its version"
          + " with the same effect (XADD IDMP without IDMP, a retry the source de-duplicated"
          + " not at all); what keeps no meaning there (a vector set into Valkey, a field TTL"
          + " before 7.4) is one error line, and counted per type in unsupported_types."
          + " docs/sync.md lists each command per destination.",
      "Hosts without PSYNC (AWS ElastiCache, Memorystore, Azure Cache) cannot be followed (exit"
          + " 3): use `scan --live` (keyspace notifications) or `rdb` on a downloaded snapshot."
    })
final class SyncCommand extends WritingCommand {
  @Mixin SourceOptions source = new SourceOptions();

  @Mixin SyncOptions sync = new SyncOptions();

  @Mixin FollowOptions follow = new FollowOptions();

  SyncCommand(Context ctx) {
    super(ctx, "sync");
  }

  @Override
  int start(Launch launch) throws StartFailure, InterruptedException {
    ShardChoice shard = ShardChoice.checked(sync.shardIndex, ctx.env(), writing.pipeline);
    sync.expand(shard);
    Tls tls = tlsThenReport(launch);
    SyncStreams.Plan plan = sync.plan(source, writing, follow, ctx.env(), launch.failovers());
    launch.source(plan.failover() == null ? plan.from().toString() : plan.failover().toString());
    SyncStreams.Opened opened =
        StartFailure.opened(
            () ->
                SyncStreams.open(
                    plan, shard.shards(ctx.err()), tls, markers(tls), ctx.err()::println));
    MigrationRunner runner = runner(launch, tls);
    if (!follow.cutover.untilCaughtUp && !follow.metrics.enabled()) {
      return runner.run(
          opened.keys(),
          opened.newestRdbVersion(),
          writing,
          opened.live(),
          MigrationRunner.Extras.NONE);
    }
    // Watched: the lag ends a cutover, or feeds the metrics endpoint.
    long idle = follow.cutover.untilCaughtUp ? follow.cutover.idleMs() : -1;
    byte[] marker = opened.live().destinationMarker();
    List<PsyncSource> streams = opened.streams();
    try (SyncLag lag = new SyncLag(streams, tls, idle, () -> System.nanoTime() / 1_000_000)) {
      MigrationRunner.Extras extras =
          new MigrationRunner.Extras(
              lag::start,
              follow.metrics,
              lag,
              (report, exit, to) ->
                  exit != ExitCode.OK
                          || !lag.caughtUp()
                          || marker == null
                          || writing.pipeline.dryRun
                      ? exit
                      : deleteMarker(report, marker, to, tls, lag));
      return runner.run(opened.keys(), opened.newestRdbVersion(), writing, opened.live(), extras);
    }
  }

  /** The destination's checkpoint marker, as the single-node resume reads it. */
  private SyncStreams.DestinationMarker markers(Tls tls) {
    return new SyncStreams.DestinationMarker() {
      @Override
      public byte[] key(RedisUri from) throws ConnectException {
        return CheckpointMarker.keyAt(writing.destination.master(ctx.env(), tls), from, tls);
      }

      @Override
      public SyncPoint read(byte[] key) throws ConnectException {
        return CheckpointMarker.read(writing.destination.master(ctx.env(), tls), key, tls);
      }
    };
  }

  /** Deletes the checkpoint marker after a clean cutover; exit 3 when it cannot. */
  private static int deleteMarker(
      MigrationReport report, byte[] marker, RedisUri to, Tls tls, SyncLag lag) {
    try {
      CheckpointMarker.delete(to, marker, tls);
      lag.markerDeleted();
      return ExitCode.OK;
    } catch (ConnectException e) {
      String name = new String(marker, StandardCharsets.UTF_8);
      String reason =
          "caught up, but the checkpoint marker "
              + name
              + " could not be deleted at the destination ("
              + e.getMessage()
              + "); delete it yourself: DEL "
              + name;
      report.finish(report.durationMs(), report.bytesRead(), ExitCode.CONNECTION, reason);
      return ExitCode.CONNECTION;
    }
  }
}
