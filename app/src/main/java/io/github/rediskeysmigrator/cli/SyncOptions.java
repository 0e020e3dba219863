package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.Failovers;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.source.SyncStreams;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** How {@code sync} follows its source: snapshot only or on, checkpoint, resync rule, shard. */
final class SyncOptions {
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
      converter = FullResync.Converter.class,
      description = {
        "When resuming from --checkpoint, or after the source restarted or failed over, and it"
            + " can no longer continue the stream (a full resync): stop (exit 7) or restart (copy"
            + " the snapshot again under --existing). Default: ${DEFAULT-VALUE}."
      })
  FullResync onFullResync;

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

  /** {@code {index}} replaced in --checkpoint. */
  void expand(ShardChoice shard) throws StartFailure {
    try {
      checkpoint = shard.expand(checkpoint, "--checkpoint");
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
  }

  /** What to follow, validated: a bad option is exit 2 before any server is asked. */
  SyncStreams.Plan plan(
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
      writing.bigKeys.threshold();
      pipeline.selection.renamer();
      follow.checkedIdleMs();
      // Saved only once the snapshot is written: a bad path must stop the run before that.
      OutputCheck.replaceable(checkpoint, "the checkpoint");
      if (follow.cutover.untilCaughtUp && snapshotOnly) {
        throw new IllegalArgumentException(
            "--until-caught-up follows the source until the destination has caught up;"
                + " --snapshot-only stops after the snapshot: give one of them");
      }
      return new SyncStreams.Plan(
          from,
          checkpoint,
          snapshotOnly,
          onFullResync == FullResync.RESTART,
          writing.bigKeys.threshold(),
          pipeline.timeoutMillis(),
          pipeline.retries,
          pipeline.retryBackoffMillis(),
          resolved.failover(),
          pipeline.failoverTimeoutMillis(),
          failovers);
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
  }
}
