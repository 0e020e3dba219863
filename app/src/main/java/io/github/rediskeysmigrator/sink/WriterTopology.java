package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.FailoverAddress;
import io.github.rediskeysmigrator.core.Failovers;
import io.github.rediskeysmigrator.core.KeyWriter;
import io.github.rediskeysmigrator.core.LiveOptions;
import io.github.rediskeysmigrator.core.LiveTranslator;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.redis.ClusterDatabases;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.MasterLocator;
import io.github.rediskeysmigrator.redis.Reconnector;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;

/**
 * Chooses how keys reach the destination: one {@link PipelinedWriter}, {@code --writers} of them
 * behind a {@link PartitionedWriter}, or one per master behind a {@link ClusterWriter}; and how its
 * version takes live commands and the source's payloads.
 */
public final class WriterTopology {
  private WriterTopology() {}

  /**
   * Where and how to write, as the command line planned it.
   *
   * @param to the destination (a cluster's seed node)
   * @param timeoutMillis socket timeout
   * @param writers connections to a single-node destination
   * @param retries reconnects allowed
   * @param retryBackoffMillis the backoff step between reconnects
   * @param failover the Sentinels or nodes that name the master, or null for a plain address
   * @param failoverTimeoutMillis how long a reconnect waits for a new master (--failover-timeout)
   * @param failovers where each change of master is counted
   */
  public record Plan(
      RedisUri to,
      int timeoutMillis,
      int writers,
      int retries,
      long retryBackoffMillis,
      FailoverAddress failover,
      long failoverTimeoutMillis,
      Failovers failovers) {}

  /**
   * The opened destination.
   *
   * @param writers a writer per listener
   * @param translator the live commands as the destination's version can apply them
   * @param config the run's configuration, with the cluster's slot function when it is one
   */
  public record Opened(
      Function<WriteListener, KeyWriter> writers,
      LiveTranslator translator,
      MigrationConfig config) {}

  /**
   * Connects to the destination and picks the writers.
   *
   * @param sourceRdbVersion newest RDB version of the source's payloads; when the destination
   *     cannot RESTORE them, a note says they will be restamped or rewritten
   * @throws ConnectException when the destination cannot be reached (exit 3)
   * @throws IllegalArgumentException when it cannot take the run as planned (exit 2)
   */
  public static Opened open(
      Plan plan,
      MigrationConfig config,
      LiveOptions live,
      int sourceRdbVersion,
      Tls tls,
      Sleeper sleeper,
      LongSupplier wallClockMillis,
      Consumer<String> notes)
      throws ConnectException {
    MasterLocator locator =
        plan.failover() == null ? null : new MasterLocator(plan.failover(), tls, "destination");
    RedisUri to = locator == null ? plan.to() : locator.master();
    DestinationFailover failover =
        new DestinationFailover(
            tls,
            plan.timeoutMillis(),
            plan.failoverTimeoutMillis(),
            plan.failovers(),
            sleeper,
            wallClockMillis,
            notes);
    // Always db 0 at first: a cluster refuses SELECT, and the writer selects what it needs.
    Connection conn = RedisConnector.connect(to, 0, "destination", tls, plan.timeoutMillis());
    ServerInfo server = ServerInfo.query(conn);
    LiveTranslator translator = new LiveTranslation(server);
    if (!server.restores(sourceRdbVersion)) {
      notes.accept(
          "note: the source has RDB version "
              + sourceRdbVersion
              + " and the destination ("
              + server
              + ") restores payloads of "
              + server.restorableVersions()
              + "; a payload whose value type it reads is restamped with its version and"
              + " restored, any other is rewritten as plain commands");
    }
    boolean cluster = ClusterSlots.isCluster(conn);
    if (cluster && locator != null) {
      conn.close();
      throw new IllegalArgumentException(
          "--to "
              + plan.failover()
              + " is a Redis Cluster: give one of its nodes (the run follows its failovers by"
              + " itself)");
    }
    if (cluster && plan.writers() > 1) {
      conn.close();
      throw new IllegalArgumentException(
          "--writers is for a single-node destination; a Redis Cluster destination already"
              + " gets one connection per master");
    }
    // A Redis Cluster has db 0 only; a Valkey 9 cluster as many as its cluster-databases.
    ClusterDatabases clusterDbs = cluster ? ClusterDatabases.query(conn) : null;
    String refused = cluster ? clusterDbs.refusal(config) : null;
    if (refused != null) {
      conn.close();
      throw new IllegalArgumentException(refused);
    }
    if (cluster) {
      // A key's slot, for renamed commands that must keep their keys in one slot.
      config = config.withClusterSlot(ClusterSlots::slot);
    }
    PipelinedWriter.Settings settings =
        new PipelinedWriter.Settings(
            config.pipeline(),
            config.existing(),
            config.sleepMillis(),
            0,
            live.destinationMarker(),
            plan.retries(),
            plan.retryBackoffMillis());
    Throttle throttle = new Throttle(config.maxRate(), System::nanoTime, sleeper);
    // The checkpoint marker records one stream's offset on one connection: the other
    // connections (cluster masters, --writers beyond the first) go without it.
    PipelinedWriter.Settings noMarker =
        new PipelinedWriter.Settings(
            settings.pipeline(),
            settings.policy(),
            settings.sleepMillis(),
            0,
            null,
            settings.retries(),
            settings.retryBackoffMillis());
    // Where a writer reconnects: its node, the master Sentinel names now, or the owner now of the
    // slots its cluster master had (the promoted replica after a failover).
    ClusterMasters masters =
        cluster ? new ClusterMasters(to, ClusterSlots.query(conn), failover) : null;
    Function<RedisUri, Reconnector> reconnectors =
        node -> {
          if (masters != null) {
            return masters.reconnector(node, tls, plan.timeoutMillis());
          }
          if (locator != null) {
            return failover.sentinel(locator, to);
          }
          return () -> RedisConnector.connect(node, 0, "destination", tls, plan.timeoutMillis());
        };
    Writer writer =
        (node, first, s, l) -> {
          Reconnector reconnector = reconnectors.apply(node);
          return new PipelinedWriter(
              first != null ? first : connectOrFail(node, reconnector),
              server,
              s,
              l,
              throttle,
              sleeper,
              wallClockMillis,
              reconnector);
        };
    Function<WriteListener, KeyWriter> writers;
    if (cluster) {
      writers =
          listener ->
              new ClusterWriter(
                  listener,
                  () -> masters.slotMap(conn),
                  (master, l) ->
                      writer.open(
                          to.withAddress(master.getHost(), master.getPort()), null, noMarker, l),
                  sleeper,
                  live.keys(),
                  clusterDbs);
    } else if (plan.writers() > 1) {
      writers =
          listener ->
              new PartitionedWriter(
                  plan.writers(),
                  listener,
                  live.keys(),
                  live.destinationMarker() != null,
                  (i, l) -> writer.open(to, i == 0 ? conn : null, i == 0 ? settings : noMarker, l));
    } else {
      writers = listener -> writer.open(to, conn, settings, listener);
    }
    return new Opened(writers, translator, config);
  }

  /** One pipelined writer to {@code node}, over {@code first} or a new connection when null. */
  private interface Writer {
    PipelinedWriter open(
        RedisUri node, Connection first, PipelinedWriter.Settings settings, WriteListener l);
  }

  private static Connection connectOrFail(RedisUri node, Reconnector reconnector) {
    try {
      return reconnector.connect();
    } catch (ConnectException e) {
      throw new IllegalStateException("destination " + node + ": " + e.getMessage(), e);
    }
  }
}
