package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.LiveOptions;
import io.github.rediskeysmigrator.core.MergedSource;
import io.github.rediskeysmigrator.core.MigrationReport;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.SyncPoint;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.sink.CheckpointMarker;
import io.github.rediskeysmigrator.source.CommandTable;
import io.github.rediskeysmigrator.source.FileCheckpointer;
import io.github.rediskeysmigrator.source.PsyncSource;
import io.github.rediskeysmigrator.source.SyncLag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

/** {@code sync}: attach to a live source as a replica, copy its snapshot, then follow it. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
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
final class SyncCommand implements Callable<Integer> {
  /** How often, at most, the checkpoint is rewritten while commands flow. */
  private static final long CHECKPOINT_EVERY_MS = 1000;

  private final Context ctx;

  @Mixin SourceOptions source = new SourceOptions();

  @Mixin DestinationOptions destination = new DestinationOptions();

  @Option(
      names = "--snapshot-only",
      description = "Stop once the snapshot is written (a one-shot copy of a live source).")
  boolean snapshotOnly;

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description = {
        "Record the replication offset applied so far in FILE (atomically, about every second"
            + " and at exit). When FILE exists at start, continue from it with a partial resync"
            + " instead of copying the snapshot again."
      })
  Path checkpoint;

  @Option(
      names = "--on-full-resync",
      paramLabel = "stop|restart",
      defaultValue = "stop",
      description = {
        "When resuming from --checkpoint and the source can no longer continue from it: stop"
            + " (exit 7) or restart (copy the snapshot again under --existing). Default:"
            + " ${DEFAULT-VALUE}."
      })
  String onFullResync;

  @Option(
      names = "--shard-index",
      paramLabel = "N",
      description = {
        "Follow only the N-th master of a cluster source (from 0, masters ordered by the lowest"
            + " hash slot they own), e.g. one pod of a Kubernetes Indexed Job per master; a"
            + " single-node source is shard 0. Default: the environment variable "
            + ShardChoice.INDEX_VARIABLE
            + " when set, else every master. "
            + ShardChoice.INDEX_PLACEHOLDER
            + " in --report, --error-log and --checkpoint is replaced by N."
      })
  Integer shardIndex;

  @Mixin CutoverOptions cutover = new CutoverOptions();

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Mixin BigKeyOptions bigKeys = new BigKeyOptions();

  @Mixin TlsOptions tlsOptions = new TlsOptions();

  SyncCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    ShardChoice shard;
    try {
      shard = ShardChoice.of(shardIndex, ctx.env());
      shard.expandNames(pipeline);
      checkpoint = shard.expand(checkpoint, "--checkpoint");
    } catch (IllegalArgumentException e) {
      ctx.err().println("error: " + e.getMessage());
      return ExitCode.USAGE;
    }
    Tls tls;
    try {
      tls = tlsOptions.build(ctx.err());
    } catch (IllegalArgumentException e) {
      ctx.err().println("error: " + e.getMessage());
      return ExitCode.USAGE;
    }
    MigrationRunner runner = new MigrationRunner(ctx, tls);
    if (!runner.reportWritable(pipeline)) {
      return ExitCode.USAGE;
    }
    RedisUri from;
    try {
      from = source.resolve(ctx.env()).uri();
      bigKeys.threshold();
      pipeline.selection.renamer();
      cutover.idleMs();
      if (metrics.enabled()) {
        metrics.checkedPort();
      }
      // Saved only once the snapshot is written: a bad path must stop the run before that.
      OutputCheck.replaceable(checkpoint, "the checkpoint");
      if (cutover.untilCaughtUp && snapshotOnly) {
        throw new IllegalArgumentException(
            "--until-caught-up follows the source until the destination has caught up;"
                + " --snapshot-only stops after the snapshot: give one of them");
      }
      if (!onFullResync.equals("stop") && !onFullResync.equals("restart")) {
        throw new IllegalArgumentException(
            "--on-full-resync must be stop or restart, got '" + onFullResync + "'");
      }
    } catch (IllegalArgumentException e) {
      return runner.failBeforeStart("sync", "", "", pipeline, ExitCode.USAGE, e.getMessage());
    }
    String label = from.toString();

    FileCheckpointer checkpointer = checkpoint == null ? null : new FileCheckpointer(checkpoint);
    ServerInfo info;
    CommandTable commands;
    List<HostAndPort> masters = null;
    try (Connection conn = RedisConnector.connect(from, 0, "source", tls)) {
      info = ServerInfo.query(conn);
      commands = CommandTable.query(conn);
      if (ClusterSlots.isCluster(conn)) {
        masters = shard.masters(ClusterSlots.query(conn), from, ctx.err());
      } else {
        shard.singleNode(from, ctx.err());
      }
      if (!replicationAllowed(conn)) {
        return runner.failBeforeStart(
            "sync",
            label,
            "",
            pipeline,
            ExitCode.CONNECTION,
            "source "
                + label
                + " does not offer PSYNC/SYNC (AWS ElastiCache disables them), so it cannot be"
                + " followed as a replica; copy it live with `scan --live` (keyspace"
                + " notifications), or migrate a downloaded snapshot with `rdb`");
      }
    } catch (ConnectException e) {
      return runner.failBeforeStart(
          "sync", label, "", pipeline, ExitCode.CONNECTION, e.getMessage());
    } catch (IllegalArgumentException e) {
      return runner.failBeforeStart("sync", label, "", pipeline, ExitCode.USAGE, e.getMessage());
    }
    if (masters != null) {
      return syncCluster(runner, from, masters, commands, checkpointer, tls);
    }
    SyncPoint resume = null;
    if (checkpointer != null) {
      try {
        resume = checkpointer.load().orElse(null);
      } catch (IOException e) {
        return runner.failBeforeStart("sync", label, "", pipeline, ExitCode.USAGE, e.getMessage());
      }
    }
    byte[] marker = null;
    boolean clusterDestination = false;
    if (checkpointer != null) {
      try {
        clusterDestination = destinationIsCluster(tls);
      } catch (ConnectException e) {
        return runner.failBeforeStart(
            "sync", label, "", pipeline, ExitCode.CONNECTION, e.getMessage());
      }
    }
    // A cluster destination has no one place for the marker: its checkpoint is the file alone.
    if (checkpointer != null && !clusterDestination) {
      marker = CheckpointMarker.key(from);
      try {
        resume =
            CheckpointMarker.newest(
                resume, CheckpointMarker.read(destination.resolve(ctx.env()).uri(), marker, tls));
      } catch (ConnectException e) {
        return runner.failBeforeStart(
            "sync", label, "", pipeline, ExitCode.CONNECTION, e.getMessage());
      }
    }
    if (resume != null) {
      ctx.err()
          .println(
              "resuming from "
                  + checkpointer.file()
                  + ": replication id "
                  + resume.replId()
                  + ", offset "
                  + resume.offset());
    }
    PsyncSource stream =
        new PsyncSource(
                from, commands.names(), resume, snapshotOnly, onFullResync.equals("restart"), tls)
            .reconnecting(pipeline.retries, pipeline.retryBackoffMillis())
            .readTimeout(pipeline.timeoutMillis())
            .bigKeyThreshold(bigKeys.threshold())
            .withNotes(ctx.err()::println);
    LiveOptions live = new LiveOptions(commands, checkpointer, CHECKPOINT_EVERY_MS, marker);
    return watched(
        runner,
        List.of(stream),
        marker,
        tls,
        () -> runner.run("sync", label, stream, info.maxRdbVersion(), pipeline, destination, live));
  }

  /** A run of {@code runner} over {@code streams}. */
  private interface Run {
    int run() throws InterruptedException;
  }

  /**
   * Runs {@code run} with its lag watched when --until-caught-up asks for a cutover or
   * --metrics-port for an endpoint. In a cutover the streams end once the destination has applied
   * all the source wrote, and the checkpoint marker (if any) is deleted so the destination's
   * keyspace equals the source's.
   */
  private int watched(
      MigrationRunner runner, List<PsyncSource> streams, byte[] marker, Tls tls, Run run)
      throws InterruptedException {
    if (!cutover.untilCaughtUp && !metrics.enabled()) {
      return run.run();
    }
    long idle = cutover.untilCaughtUp ? cutover.idleMs() : -1;
    try (SyncLag lag = new SyncLag(streams, tls, idle, () -> System.nanoTime() / 1_000_000)) {
      runner.onReport(lag::start).serveMetrics(metrics, lag);
      runner.afterRun(
          (report, exit, to) -> {
            if (exit != ExitCode.OK || !lag.caughtUp() || marker == null || pipeline.dryRun) {
              return exit;
            }
            return deleteMarker(report, marker, to, tls, lag);
          });
      return run.run();
    }
  }

  /** Deletes the checkpoint marker after a clean cutover; exit 3 when it cannot. */
  private int deleteMarker(
      MigrationReport report, byte[] marker, RedisUri to, Tls tls, SyncLag lag) {
    String name = new String(marker, StandardCharsets.UTF_8);
    try {
      CheckpointMarker.delete(to, marker, tls);
      lag.markerDeleted();
      return ExitCode.OK;
    } catch (ConnectException | JedisException e) {
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

  /**
   * A cluster source: one replication stream per master, all at once into the one pipeline. Each
   * master's commands keep their order; the checkpoint file holds one resume point per master. The
   * destination marker is not used (it records one stream), so a crash may apply the commands after
   * the last checkpoint again.
   */
  private int syncCluster(
      MigrationRunner runner,
      RedisUri from,
      List<HostAndPort> masters,
      CommandTable commands,
      FileCheckpointer checkpointer,
      Tls tls)
      throws InterruptedException {
    String label = from.toString();
    java.util.Map<String, SyncPoint> resume = java.util.Map.of();
    if (checkpointer != null) {
      try {
        resume = checkpointer.loadStreams();
      } catch (IOException e) {
        return runner.failBeforeStart("sync", label, "", pipeline, ExitCode.USAGE, e.getMessage());
      }
    }
    List<PsyncSource> streams = new ArrayList<>();
    int newest = 0;
    for (HostAndPort master : masters) {
      RedisUri node = from.withAddress(master.getHost(), master.getPort());
      try (Connection conn = RedisConnector.connect(node, 0, "source", tls)) {
        newest = Math.max(newest, ServerInfo.query(conn).maxRdbVersion());
      } catch (ConnectException e) {
        return runner.failBeforeStart(
            "sync", label, "", pipeline, ExitCode.CONNECTION, e.getMessage());
      }
      SyncPoint point = resume.get(node.address());
      if (point != null) {
        ctx.err()
            .println(
                "resuming "
                    + node.address()
                    + " from "
                    + checkpointer.file()
                    + ": replication id "
                    + point.replId()
                    + ", offset "
                    + point.offset());
      }
      streams.add(
          new PsyncSource(
                  node, commands.names(), point, snapshotOnly, onFullResync.equals("restart"), tls)
              .reconnecting(pipeline.retries, pipeline.retryBackoffMillis())
              .readTimeout(pipeline.timeoutMillis())
              .bigKeyThreshold(bigKeys.threshold())
              .withNotes(ctx.err()::println)
              .asStream(node.address()));
    }
    LiveOptions live =
        new LiveOptions(commands, checkpointer, CHECKPOINT_EVERY_MS, null, streams.size());
    int newestVersion = newest;
    return watched(
        runner,
        streams,
        null,
        tls,
        () ->
            runner.run(
                "sync",
                label,
                new MergedSource(streams, streams.size(), "rkm-sync"),
                newestVersion,
                pipeline,
                destination,
                live));
  }

  private boolean destinationIsCluster(Tls tls) throws ConnectException {
    EnvAddress.Resolved to = destination.resolve(ctx.env());
    try (Connection conn = RedisConnector.connect(to.uri(), 0, "destination", tls)) {
      return ClusterSlots.isCluster(conn);
    }
  }

  /** PSYNC and SYNC are in the source's command table (ElastiCache removes them). */
  private static boolean replicationAllowed(Connection conn) {
    conn.sendCommand(Protocol.Command.COMMAND, "INFO", "PSYNC", "SYNC");
    List<Object> reply = conn.getObjectMultiBulkReply();
    return reply.stream().anyMatch(o -> o != null);
  }
}
