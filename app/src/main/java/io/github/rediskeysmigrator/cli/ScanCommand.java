package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.LiveOptions;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.sink.DestinationSweep;
import io.github.rediskeysmigrator.source.LiveScanGroup;
import io.github.rediskeysmigrator.source.ScanSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code scan}: migrate from a live source with SCAN, the original script's method, faster. */
@Command(
    name = "scan",
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Migrate the keys of a live source: SCAN with MATCH and COUNT, then one pipelined round"
          + " trip per batch reads every key's DUMP payload and expiry, and the destination gets"
          + " RESTORE with the absolute expiry (restamped with the destination's RDB version, or"
          + " the key rewritten as plain commands, when the destination refuses the source's)."
          + " Reading and writing overlap.",
      "When --from is a node of a Redis Cluster, every master is scanned at once (db 0 only; a"
          + " Valkey 9 cluster with cluster-databases: the dbs of --db), or the one --shard-index"
          + " names.",
      "Configured by options or by the original script's variables (SOURCE_REDIS_HOST, ...)."
    })
final class ScanCommand extends WritingCommand {
  @Mixin SourceOptions source = new SourceOptions();

  @Mixin ScanOptions scan = new ScanOptions();

  @Mixin ReadCheckpointOptions checkpoint = new ReadCheckpointOptions();

  @Mixin FollowOptions follow = new FollowOptions();

  ScanCommand(Context ctx) {
    super(ctx, "scan");
  }

  @Override
  int start(Launch launch) throws StartFailure, InterruptedException {
    ShardChoice shard = ShardChoice.checked(scan.shardIndex, ctx.env(), writing.pipeline);
    Tls tls = tlsThenReport(launch);
    ScanSources.Plan plan = scan.plan(source, writing, follow, ctx.env(), launch.failovers());
    launch.source(plan.failover() == null ? plan.from().toString() : plan.failover().toString());
    if (plan.live() && checkpoint.checkpoint != null) {
      throw StartFailure.usage(
          "--checkpoint records where a one-pass scan got; --live follows changes, which a"
              + " cursor cannot resume (restart --live from the start: existing keys are skipped)");
    }
    String identity = plan.from().address() + " db " + plan.dbs();
    var resume = checkpoint.open("scan", writing.pipeline, null, identity, ctx.err());
    if (resume != null) {
      plan = plan.checkpointed(resume.points());
    }
    ScanSources.Plan opening = plan;
    ScanSources.Opened opened =
        StartFailure.opened(
            () ->
                ScanSources.open(
                    opening,
                    shard.shards(ctx.err()),
                    tls,
                    (db, each) -> sweep(tls).forEachKey(db, each),
                    ctx.clock(),
                    ctx.sleeper(),
                    ctx.err()::println));
    LiveScanGroup group = opened.group();
    MigrationRunner.Extras extras =
        group == null
            ? MigrationRunner.Extras.NONE
            : new MigrationRunner.Extras(
                r -> r.live(group::reportFields, group::describe),
                follow.metrics,
                group,
                MigrationRunner.Extras.NONE.afterRun());
    LiveOptions live =
        group == null ? LiveOptions.NONE : new LiveOptions(opened.commands(), null, 0, null, 1);
    return runner(launch, tls)
        .checkpointed(resume)
        .run(opened.keys(), opened.newestRdbVersion(), writing, live, extras);
  }

  /**
   * The destination's keys, for a live source's sweep after a lost subscription (behind Sentinel:
   * at its master now).
   */
  private DestinationSweep sweep(Tls tls) throws ConnectException {
    EnvAddress.Resolved to = writing.destination.resolve(ctx.env());
    return new DestinationSweep(
        writing.destination.master(ctx.env(), tls),
        tls,
        writing.pipeline.timeoutMillis(),
        writing.pipeline.toConfig(to.explicitDb() ? to.uri().db() : -1),
        ctx.err()::println);
  }
}
