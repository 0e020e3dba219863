package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.FailoverAddress;
import io.github.rediskeysmigrator.core.Failovers;
import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.LiveOptions;
import io.github.rediskeysmigrator.core.MergedSource;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.SyncPoint;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.MasterLocator;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * Opens what {@code sync} follows: one replication stream of a single-node source, or one per
 * master of a cluster, each resuming from its checkpoint when there is one.
 */
public final class SyncStreams {
  /** How often, at most, the checkpoint is rewritten while commands flow. */
  private static final long CHECKPOINT_EVERY_MS = 1000;

  private SyncStreams() {}

  /**
   * What sync follows, as its command line planned it.
   *
   * @param from the source (a cluster's seed node)
   * @param checkpoint the checkpoint file, or null
   * @param snapshotOnly whether to stop after the snapshot
   * @param restartOnFullResync whether a source that cannot continue from the checkpoint may send
   *     its snapshot again
   * @param bigKeyThreshold serialized size above which a value is spilled to a file
   * @param timeoutMillis socket timeout
   * @param retries reconnects allowed
   * @param retryBackoffMillis wait before each reconnect
   * @param failover the Sentinels or nodes that name the master, or null for a plain address
   * @param failoverTimeoutMillis how long to wait for a new master (--failover-timeout)
   * @param failovers where each change of master is counted
   */
  public record Plan(
      RedisUri from,
      Path checkpoint,
      boolean snapshotOnly,
      boolean restartOnFullResync,
      long bigKeyThreshold,
      int timeoutMillis,
      int retries,
      long retryBackoffMillis,
      FailoverAddress failover,
      long failoverTimeoutMillis,
      Failovers failovers) {}

  /** The destination's side of a resume: the checkpoint marker of a single-node source. */
  public interface DestinationMarker {
    /** The marker's key for the source at {@code from}, or null when the destination keeps none. */
    byte[] key(RedisUri from) throws ConnectException;

    /** The point the marker {@code key} records, or null when it is not set. */
    SyncPoint read(byte[] key) throws ConnectException;
  }

  /**
   * The opened streams.
   *
   * @param streams one per master followed
   * @param keys what the pipeline reads
   * @param newestRdbVersion the newest RDB version of the masters
   * @param live how live commands are applied and checkpointed
   */
  public record Opened(
      List<PsyncSource> streams, KeySource keys, int newestRdbVersion, LiveOptions live) {}

  /**
   * Connects to the source, checks that it offers replication and prepares its streams.
   *
   * @throws ConnectException when a node cannot be reached or offers no PSYNC (exit 3)
   * @throws IllegalArgumentException when the source cannot be followed as planned, or the
   *     checkpoint file is not one (exit 2)
   */
  public static Opened open(
      Plan plan, Shards shards, Tls tls, DestinationMarker markers, Consumer<String> notes)
      throws ConnectException {
    MasterLocator locator =
        plan.failover() == null ? null : new MasterLocator(plan.failover(), tls, "source");
    // Behind Sentinel, the master now; the checkpoint marker keeps the name the user gave.
    RedisUri from = locator == null ? plan.from() : locator.master();
    FileCheckpointer checkpointer =
        plan.checkpoint() == null ? null : new FileCheckpointer(plan.checkpoint());
    ServerInfo info;
    CommandTable commands;
    List<RedisUri> masters = null;
    try (Connection conn = RedisConnector.connect(from, 0, "source", tls)) {
      info = ServerInfo.query(conn);
      commands = CommandTable.query(conn);
      if (ClusterSlots.isCluster(conn)) {
        if (locator != null) {
          throw new IllegalArgumentException(
              "--from "
                  + plan.failover()
                  + " is a Redis Cluster: give one of its nodes (its masters fail over by"
                  + " themselves)");
        }
        List<RedisUri> all = new ArrayList<>();
        for (HostAndPort m : ClusterSlots.query(conn).mastersBySlot()) {
          all.add(from.withAddress(m.getHost(), m.getPort()));
        }
        masters = shards.masters(all);
      } else {
        shards.singleNode(from);
      }
      if (!replicationAllowed(conn)) {
        throw new ConnectException(
            "source "
                + from
                + " does not offer PSYNC/SYNC (AWS ElastiCache disables them), so it cannot be"
                + " followed as a replica; copy it live with `scan --live` (keyspace"
                + " notifications), or migrate a downloaded snapshot with `rdb`",
            null);
      }
    }
    if (masters != null) {
      return cluster(plan, masters, commands, checkpointer, tls, notes);
    }
    SyncPoint resume = null;
    byte[] marker = null;
    if (checkpointer != null) {
      resume = loaded(checkpointer, () -> checkpointer.load().orElse(null));
      marker = markers.key(plan.from());
    }
    if (marker != null) {
      resume = newest(resume, markers.read(marker));
    }
    if (resume != null) {
      notes.accept(
          "resuming from "
              + checkpointer.file()
              + ": replication id "
              + resume.replId()
              + ", offset "
              + resume.offset());
    }
    PsyncSource stream = stream(plan, from, commands, resume, tls, notes);
    if (locator != null) {
      stream.failingOver(locator, plan.failoverTimeoutMillis(), plan.failovers());
    }
    // Keys lost to a TTL race are read again from this node (a cluster's streams are not yet).
    LiveOptions live =
        new LiveOptions(commands, checkpointer, CHECKPOINT_EVERY_MS, marker)
            .withRefetch(new SourceKeyReads(stream::node, tls, System::currentTimeMillis));
    return new Opened(List.of(stream), stream, info.maxRdbVersion(), live);
  }

  /**
   * Which resume point to trust. The destination's marker is written in the same transaction as the
   * commands, so for the same replication id it is never behind what was applied; the file may be
   * (it is saved after the replies), or ahead (heartbeats move it without data). The file is
   * written as soon as a new stream starts, before any batch of it, so a different replication id
   * in the file means the file is newer.
   */
  static SyncPoint newest(SyncPoint file, SyncPoint marker) {
    if (file == null) {
      return marker;
    }
    if (marker == null || !marker.replId().equals(file.replId())) {
      return file;
    }
    return marker.offset() > file.offset() ? marker : file;
  }

  /**
   * A cluster source: one replication stream per master, all at once into the one pipeline. Each
   * master's commands keep their order; the checkpoint file holds one resume point per master. The
   * destination marker is not used (it records one stream), so a crash may apply the commands after
   * the last checkpoint again.
   */
  private static Opened cluster(
      Plan plan,
      List<RedisUri> masters,
      CommandTable commands,
      FileCheckpointer checkpointer,
      Tls tls,
      Consumer<String> notes)
      throws ConnectException {
    Map<String, SyncPoint> resume =
        checkpointer == null ? Map.of() : loaded(checkpointer, checkpointer::loadStreams);
    List<PsyncSource> streams = new ArrayList<>();
    int newest = 0;
    for (RedisUri node : masters) {
      try (Connection conn = RedisConnector.connect(node, 0, "source", tls)) {
        newest = Math.max(newest, ServerInfo.query(conn).maxRdbVersion());
      }
      SyncPoint point = resume.get(node.address());
      if (point != null) {
        notes.accept(
            "resuming "
                + node.address()
                + " from "
                + checkpointer.file()
                + ": replication id "
                + point.replId()
                + ", offset "
                + point.offset());
      }
      streams.add(stream(plan, node, commands, point, tls, notes).asStream(node.address()));
    }
    LiveOptions live =
        new LiveOptions(commands, checkpointer, CHECKPOINT_EVERY_MS, null, streams.size());
    return new Opened(streams, new MergedSource(streams, streams.size(), "rkm-sync"), newest, live);
  }

  private static PsyncSource stream(
      Plan plan,
      RedisUri node,
      CommandTable commands,
      SyncPoint resume,
      Tls tls,
      Consumer<String> notes) {
    return new PsyncSource(
            node, commands.names(), resume, plan.snapshotOnly(), plan.restartOnFullResync(), tls)
        .reconnecting(plan.retries(), plan.retryBackoffMillis())
        .readTimeout(plan.timeoutMillis())
        .bigKeyThreshold(plan.bigKeyThreshold())
        .withNotes(notes);
  }

  /** Reads a checkpoint file. */
  private interface Load<T> {
    T load() throws IOException;
  }

  /** What {@code load} reads, an unreadable file or one that is no checkpoint being exit 2. */
  private static <T> T loaded(FileCheckpointer file, Load<T> load) {
    try {
      return load.load();
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** PSYNC and SYNC are in the source's command table (ElastiCache removes them). */
  private static boolean replicationAllowed(Connection conn) {
    conn.sendCommand(Protocol.Command.COMMAND, "INFO", "PSYNC", "SYNC");
    List<Object> reply = conn.getObjectMultiBulkReply();
    return reply.stream().anyMatch(o -> o != null);
  }
}
