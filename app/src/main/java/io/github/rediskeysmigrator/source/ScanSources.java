package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.FailoverAddress;
import io.github.rediskeysmigrator.core.Failovers;
import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.MergedSource;
import io.github.rediskeysmigrator.core.ReadPoint;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.redis.ClusterDatabases;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.MasterLocator;
import io.github.rediskeysmigrator.redis.Reconnector;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;

/**
 * Opens what {@code scan} reads: one {@link ScanSource} on a single-node source, or one per master
 * of a cluster, all at once into the one pipeline; with {@code --live}, each wrapped in a {@link
 * LiveScanSource} once the node's keyspace notifications are known to cover what it needs.
 */
public final class ScanSources {
  private ScanSources() {}

  /**
   * What scan reads, as its command line planned it.
   *
   * @param from the source (a cluster's seed node)
   * @param dbs the source dbs to read, the first one also the db a reconnect selects
   * @param match the SCAN MATCH pattern
   * @param scanCount the COUNT of each SCAN
   * @param bigKeyThreshold payload size above which a key is written in chunks
   * @param live whether to follow keyspace notifications after the copy
   * @param enableNotifications whether to CONFIG SET the flags --live needs
   * @param pendingCap with --live: how many changed keys each node keeps waiting, at most
   * @param idleMs the quiet period that ends a live run, -1 to run until stopped
   * @param timeoutMillis socket timeout
   * @param retries reconnects allowed after a dropped connection
   * @param retryBackoffMillis the backoff step between reconnects
   * @param failover the Sentinels or nodes that name the master, or null for a plain address
   * @param failoverTimeoutMillis how long a reconnect waits for a new master (--failover-timeout)
   * @param failovers where each change of master is counted
   * @param resume with --checkpoint: where the runs before left each master, by address (empty for
   *     none); null without --checkpoint
   */
  public record Plan(
      RedisUri from,
      List<Integer> dbs,
      byte[] match,
      int scanCount,
      long bigKeyThreshold,
      boolean live,
      boolean enableNotifications,
      LiveScanSource.PendingCap pendingCap,
      long idleMs,
      int timeoutMillis,
      int retries,
      long retryBackoffMillis,
      FailoverAddress failover,
      long failoverTimeoutMillis,
      Failovers failovers,
      java.util.Map<String, ReadPoint> resume) {
    /** The same plan, its masters' read points handed over and resumed from {@code from}. */
    public Plan checkpointed(java.util.Map<String, ReadPoint> from) {
      return new Plan(
          this.from,
          dbs,
          match,
          scanCount,
          bigKeyThreshold,
          live,
          enableNotifications,
          pendingCap,
          idleMs,
          timeoutMillis,
          retries,
          retryBackoffMillis,
          failover,
          failoverTimeoutMillis,
          failovers,
          java.util.Map.copyOf(from));
    }
  }

  /**
   * The opened source.
   *
   * @param keys what the pipeline reads
   * @param newestRdbVersion the newest RDB version of the nodes' DUMP payloads
   * @param commands the source's command table (with --live), else null
   * @param group the live sources' shared status (with --live), else null
   */
  public record Opened(
      KeySource keys, int newestRdbVersion, CommandTable commands, LiveScanGroup group) {}

  /**
   * Connects to the source and its masters.
   *
   * @param sweep lists the destination's keys of a source db after a lost subscription
   * @param notes where notes for the user go
   * @throws ConnectException when a node cannot be reached (exit 3)
   * @throws IllegalArgumentException when the source cannot be read as planned (exit 2)
   */
  public static Opened open(
      Plan plan,
      Shards shards,
      Tls tls,
      LiveScanSource.Sweep sweep,
      Clock clock,
      Sleeper sleeper,
      Consumer<String> notes)
      throws ConnectException {
    MasterLocator locator =
        plan.failover() == null ? null : new MasterLocator(plan.failover(), tls, "source");
    RedisUri from = locator == null ? plan.from() : locator.master();
    List<Integer> dbs = plan.dbs();
    // db 0 first: a Redis Cluster refuses SELECT of any other.
    Connection conn = RedisConnector.connect(from, 0, "source", tls, plan.timeoutMillis());
    ServerInfo info = ServerInfo.query(conn);
    boolean cluster = ClusterSlots.isCluster(conn);
    if (cluster && locator != null) {
      conn.close();
      throw new IllegalArgumentException(
          "--from " + plan.failover() + " is a Redis Cluster: give one of its nodes");
    }
    if (!cluster && dbs.get(0) != 0) {
      conn.close();
      conn = RedisConnector.connect(from, dbs.get(0), "source", tls, plan.timeoutMillis());
    }
    if (!cluster) {
      try {
        shards.singleNode(from);
      } catch (IllegalArgumentException e) {
        conn.close();
        throw e;
      }
      Reconnector reconnector =
          locator == null
              ? reconnector(plan, from, tls)
              : new FollowMaster(plan, locator, from, tls, notes).reconnector();
      ScanSource keys = scanSource(plan, conn, from, info, reconnector, clock, sleeper);
      // DUMP payloads carry the source server's own RDB version.
      if (!plan.live()) {
        return new Opened(keys, info.maxRdbVersion(), null, null);
      }
      refuseWithout(conn, from, plan, notes, List.of(conn));
      CommandTable commands = CommandTable.query(conn);
      LiveScanGroup group = group(plan, notes);
      LiveScanSource live =
          liveSource(plan, keys, from, group, reconnector, sleeper).sweeping(sweep);
      return new Opened(live, info.maxRdbVersion(), commands, group);
    }
    String dbRefusal = clusterDbRefusal(ClusterDatabases.query(conn), dbs);
    if (dbRefusal != null) {
      conn.close();
      throw new IllegalArgumentException(dbRefusal);
    }
    List<RedisUri> chosen;
    CommandTable commands = null;
    try (Connection seed = conn) {
      List<RedisUri> all = new ArrayList<>();
      for (HostAndPort m : ClusterSlots.query(seed).mastersBySlot()) {
        all.add(from.withAddress(m.getHost(), m.getPort()));
      }
      chosen = shards.masters(all);
      if (plan.live()) {
        commands = CommandTable.query(seed);
      }
    }
    // One SCAN per master, all at once, into the one pipeline.
    List<ScanSource> masters = new ArrayList<>();
    List<Connection> opened = new ArrayList<>();
    int newest = 0;
    try {
      for (RedisUri node : chosen) {
        Connection c = RedisConnector.connect(node, 0, "source", tls, plan.timeoutMillis());
        opened.add(c);
        ServerInfo nodeInfo = ServerInfo.query(c);
        newest = Math.max(newest, nodeInfo.maxRdbVersion());
        masters.add(
            scanSource(plan, c, node, nodeInfo, reconnector(plan, node, tls), clock, sleeper));
        if (plan.live()) {
          refuseWithout(c, node, plan, notes, opened);
        }
      }
    } catch (ConnectException e) {
      opened.forEach(Connection::close);
      throw e;
    }
    if (!plan.live()) {
      return new Opened(new MergedSource(masters, masters.size(), "rkm-scan"), newest, null, null);
    }
    LiveScanGroup group = group(plan, notes);
    List<LiveScanSource> sources = new ArrayList<>();
    for (int i = 0; i < masters.size(); i++) {
      sources.add(
          liveSource(
              plan,
              masters.get(i),
              chosen.get(i),
              group,
              reconnector(plan, chosen.get(i), tls),
              sleeper));
    }
    return new Opened(
        new MergedSource(sources, sources.size(), "rkm-scan"), newest, commands, group);
  }

  /** Stops (closing {@code opened}) when {@code node}'s notifications cannot serve --live. */
  private static void refuseWithout(
      Connection c, RedisUri node, Plan plan, Consumer<String> notes, List<Connection> opened) {
    String refused = KeyspaceNotifications.ensure(c, node, plan.enableNotifications(), notes);
    if (refused != null) {
      opened.forEach(Connection::close);
      throw new IllegalArgumentException(refused);
    }
  }

  /**
   * Why a cluster source of {@code served} dbs cannot be read in {@code dbs}, as one line, or null
   * when it can (a Valkey 9 cluster with cluster-databases).
   */
  private static String clusterDbRefusal(ClusterDatabases served, List<Integer> dbs) {
    for (int db : dbs) {
      if (!served.serves(db)) {
        return "the source is "
            + served.describe()
            + (served.count() == 1
                ? "; drop --db and the /db of --from"
                : "; db " + db + " is not one of them");
      }
    }
    return null;
  }

  private static ScanSource scanSource(
      Plan plan,
      Connection conn,
      RedisUri node,
      ServerInfo info,
      Reconnector reconnector,
      Clock clock,
      Sleeper sleeper) {
    ScanSource source =
        new ScanSource(
                conn,
                plan.dbs(),
                plan.match(),
                plan.scanCount(),
                info.supportsExpireTime(),
                clock,
                node.toString())
            .reconnecting(reconnector, plan.retries(), plan.retryBackoffMillis(), sleeper)
            .bigKeyThreshold(plan.bigKeyThreshold());
    return plan.resume() == null
        ? source
        : source.checkpointed(node.address(), plan.resume().get(node.address()));
  }

  /** A new connection to {@code node} on the first db read, as a reconnect needs it. */
  private static Reconnector reconnector(Plan plan, RedisUri node, Tls tls) {
    int db = plan.dbs().get(0);
    return () -> RedisConnector.connect(node, db, "source", tls, plan.timeoutMillis());
  }

  private static LiveScanGroup group(Plan plan, Consumer<String> notes) {
    return new LiveScanGroup(
        plan.idleMs(), () -> System.nanoTime() / 1_000_000, plan.pendingCap(), notes);
  }

  private static LiveScanSource liveSource(
      Plan plan,
      ScanSource firstPass,
      RedisUri node,
      LiveScanGroup group,
      Reconnector reconnector,
      Sleeper sleeper) {
    return new LiveScanSource(
        firstPass,
        reconnector,
        plan.dbs(),
        plan.match(),
        Math.max(1, Math.min(plan.scanCount(), 1000)),
        plan.pendingCap(),
        plan.retries(),
        plan.retryBackoffMillis(),
        sleeper,
        node.toString(),
        group);
  }
}
