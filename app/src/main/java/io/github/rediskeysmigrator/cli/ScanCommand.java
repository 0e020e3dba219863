package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.LiveOptions;
import io.github.rediskeysmigrator.core.MergedSource;
import io.github.rediskeysmigrator.core.MigrationConfig.Defaults;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.redis.ClusterDatabases;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.source.CommandTable;
import io.github.rediskeysmigrator.source.KeyspaceNotifications;
import io.github.rediskeysmigrator.source.LiveScanGroup;
import io.github.rediskeysmigrator.source.LiveScanSource;
import io.github.rediskeysmigrator.source.ScanSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/** {@code scan}: migrate from a live source with SCAN, the original script's method, faster. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
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
final class ScanCommand implements Callable<Integer> {
  private final Context ctx;

  @Mixin SourceOptions source = new SourceOptions();

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
      names = "--big-key-threshold",
      paramLabel = "BYTES",
      description = {
        "A key whose DUMP payload is larger than this is written as plain commands in chunks"
            + " (RPUSH, HSET, ...) under a temporary key renamed into place, not by one RESTORE"
            + " as big as the key (a destination refuses a RESTORE above its proto-max-bulk-len,"
            + " 512 MB by default); its payload waits in a temporary file. The source's DUMP"
            + " reply is still read whole once. Default: "
            + Defaults.BIG_KEY_THRESHOLD
            + " (64 MiB)."
      })
  long bigKeyThreshold = Defaults.BIG_KEY_THRESHOLD;

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

  @Mixin CutoverOptions cutover = new CutoverOptions();

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Mixin DestinationOptions destination = new DestinationOptions();

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Mixin TlsOptions tlsOptions = new TlsOptions();

  ScanCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    ShardChoice shard;
    try {
      shard = ShardChoice.of(shardIndex, ctx.env());
      shard.expandNames(pipeline);
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
    List<Integer> dbs;
    try {
      EnvAddress.Resolved resolved = source.resolve(ctx.env());
      from = resolved.uri();
      dbs =
          pipeline.selection.dbs.isEmpty()
              ? List.of(from.dbOrZero())
              : List.copyOf(pipeline.selection.dbs);
      if (scanCount < 1) {
        throw new IllegalArgumentException("--scan-count (SCAN_BATCH_SIZE) must be at least 1");
      }
      BigKeyOptions.checked(bigKeyThreshold);
      if (!live && (cutover.untilCaughtUp || enableNotifications || metrics.enabled())) {
        throw new IllegalArgumentException(
            (cutover.untilCaughtUp
                    ? "--until-caught-up"
                    : enableNotifications ? "--enable-notifications" : "--metrics-port")
                + " needs --live (a plain scan ends by itself after one pass)");
      }
      cutover.idleMs();
      if (metrics.enabled()) {
        metrics.checkedPort();
      }
      pipeline.selection.renamer();
      EnvAddress.Resolved to = destination.resolve(ctx.env());
      if (sameDatabase(from, dbs, to)) {
        throw new IllegalArgumentException(
            "the source and the destination are the same database ("
                + from.address()
                + " db "
                + dbs.get(0)
                + "); choose another destination db");
      }
    } catch (IllegalArgumentException e) {
      return runner.failBeforeStart("scan", "", "", pipeline, ExitCode.USAGE, e.getMessage());
    }
    Connection conn;
    ServerInfo info;
    boolean cluster;
    try {
      // db 0 first: a Redis Cluster refuses SELECT of any other.
      conn = RedisConnector.connect(from, 0, "source", tls, pipeline.timeoutMillis());
      info = ServerInfo.query(conn);
      cluster = ClusterSlots.isCluster(conn);
      if (!cluster && dbs.get(0) != 0) {
        conn.close();
        conn = RedisConnector.connect(from, dbs.get(0), "source", tls, pipeline.timeoutMillis());
      }
    } catch (ConnectException e) {
      return runner.failBeforeStart(
          "scan", from.toString(), "", pipeline, ExitCode.CONNECTION, e.getMessage());
    }
    if (!cluster) {
      try {
        shard.singleNode(from, ctx.err());
      } catch (IllegalArgumentException e) {
        conn.close();
        return runner.failBeforeStart(
            "scan", from.toString(), "", pipeline, ExitCode.USAGE, e.getMessage());
      }
      ScanSource keys = scanSource(conn, from, dbs, info, tls);
      if (live) {
        String refused = notifications(conn, from);
        if (refused != null) {
          conn.close();
          return runner.failBeforeStart(
              "scan", from.toString(), "", pipeline, ExitCode.USAGE, refused);
        }
        CommandTable commands = CommandTable.query(conn);
        LiveScanGroup group = group();
        runner
            .onReport(r -> r.live(group::reportFields, group::describe))
            .serveMetrics(metrics, group);
        return runner.run(
            "scan",
            from.toString(),
            liveSource(keys, from, dbs, group, tls).sweeping(sweep(tls)),
            info.maxRdbVersion(),
            pipeline,
            destination,
            new LiveOptions(commands, null, 0, null, 1));
      }
      // DUMP payloads carry the source server's own RDB version.
      return runner.run("scan", from.toString(), keys, info.maxRdbVersion(), pipeline, destination);
    }
    String dbRefusal = clusterDbRefusal(ClusterDatabases.query(conn), dbs);
    if (dbRefusal != null) {
      conn.close();
      return runner.failBeforeStart(
          "scan", from.toString(), "", pipeline, ExitCode.USAGE, dbRefusal);
    }
    // One SCAN per master, all at once, into the one pipeline.
    List<ScanSource> masters = new ArrayList<>();
    List<Connection> opened = new ArrayList<>();
    int newest = 0;
    List<HostAndPort> chosen;
    CommandTable commands = null;
    try (Connection seed = conn) {
      chosen = shard.masters(ClusterSlots.query(seed), from, ctx.err());
      if (live) {
        commands = CommandTable.query(seed);
      }
    } catch (IllegalArgumentException e) {
      return runner.failBeforeStart(
          "scan", from.toString(), "", pipeline, ExitCode.USAGE, e.getMessage());
    }
    try {
      for (HostAndPort master : chosen) {
        RedisUri node = from.withAddress(master.getHost(), master.getPort());
        Connection c = RedisConnector.connect(node, 0, "source", tls, pipeline.timeoutMillis());
        opened.add(c);
        ServerInfo nodeInfo = ServerInfo.query(c);
        newest = Math.max(newest, nodeInfo.maxRdbVersion());
        masters.add(scanSource(c, node, dbs, nodeInfo, tls));
        if (live) {
          String refused = notifications(c, node);
          if (refused != null) {
            opened.forEach(Connection::close);
            return runner.failBeforeStart(
                "scan", from.toString(), "", pipeline, ExitCode.USAGE, refused);
          }
        }
      }
    } catch (ConnectException e) {
      opened.forEach(Connection::close);
      return runner.failBeforeStart(
          "scan", from.toString(), "", pipeline, ExitCode.CONNECTION, e.getMessage());
    }
    if (live) {
      LiveScanGroup group = group();
      List<LiveScanSource> sources = new ArrayList<>();
      for (int i = 0; i < masters.size(); i++) {
        HostAndPort m = chosen.get(i);
        RedisUri node = from.withAddress(m.getHost(), m.getPort());
        sources.add(liveSource(masters.get(i), node, dbs, group, tls));
      }
      runner
          .onReport(r -> r.live(group::reportFields, group::describe))
          .serveMetrics(metrics, group);
      return runner.run(
          "scan",
          from.toString(),
          new MergedSource(sources, sources.size(), "rkm-scan"),
          newest,
          pipeline,
          destination,
          new LiveOptions(commands, null, 0, null, 1));
    }
    return runner.run(
        "scan",
        from.toString(),
        new MergedSource(masters, masters.size(), "rkm-scan"),
        newest,
        pipeline,
        destination);
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

  private ScanSource scanSource(
      Connection conn, RedisUri node, List<Integer> dbs, ServerInfo info, Tls tls) {
    return new ScanSource(
            conn,
            dbs,
            pipeline.selection.matchBytes(),
            scanCount,
            info.supportsExpireTime(),
            ctx.clock(),
            node.toString())
        .reconnecting(
            () -> RedisConnector.connect(node, dbs.get(0), "source", tls, pipeline.timeoutMillis()),
            pipeline.retries,
            pipeline.retryBackoffMillis(),
            ctx.sleeper())
        .bigKeyThreshold(bigKeyThreshold);
  }

  private LiveScanGroup group() {
    long idle = cutover.untilCaughtUp ? cutover.idleMs() : -1;
    return new LiveScanGroup(idle, () -> System.nanoTime() / 1_000_000);
  }

  private LiveScanSource liveSource(
      ScanSource firstPass, RedisUri node, List<Integer> dbs, LiveScanGroup group, Tls tls) {
    return new LiveScanSource(
        firstPass,
        () -> RedisConnector.connect(node, dbs.get(0), "source", tls, pipeline.timeoutMillis()),
        dbs,
        pipeline.selection.matchBytes(),
        Math.max(1, Math.min(scanCount, 1000)),
        pipeline.retries,
        pipeline.retryBackoffMillis(),
        ctx.sleeper(),
        node.toString(),
        group);
  }

  /**
   * Lists a single-node destination's keys of one source db's selection by their source names (SCAN
   * of the mapped db, each name mapped back through --rename-prefix and matched against --match). A
   * cluster destination is not swept: its keys deleted at the source during a lost subscription
   * stay (README says so).
   */
  private LiveScanSource.Sweep sweep(Tls tls) {
    return (sourceDb, each) -> {
      EnvAddress.Resolved to = destination.resolve(ctx.env());
      io.github.rediskeysmigrator.core.MigrationConfig config =
          pipeline.toConfig(to.explicitDb() ? to.uri().db() : -1);
      try (Connection d =
          RedisConnector.connect(to.uri(), 0, "destination", tls, pipeline.timeoutMillis())) {
        if (ClusterSlots.isCluster(d)) {
          ctx.err()
              .println(
                  "note: the destination is a cluster: keys deleted at the source while the"
                      + " subscription was down are not looked for there");
          return;
        }
        int db = config.destinationDb(sourceDb);
        d.sendCommand(Protocol.Command.SELECT, Integer.toString(db));
        String ok = d.getStatusCodeReply();
        if (!"OK".equals(ok)) {
          throw new JedisDataException("destination SELECT " + db + " answered " + ok);
        }
        byte[] cursor = "0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        do {
          d.sendCommand(Protocol.Command.SCAN, cursor, "COUNT".getBytes(), "1000".getBytes());
          @SuppressWarnings("unchecked")
          List<Object> reply = (List<Object>) d.getOne();
          cursor = (byte[]) reply.get(0);
          @SuppressWarnings("unchecked")
          List<byte[]> keys = (List<byte[]>) reply.get(1);
          for (byte[] key : keys) {
            for (byte[] name : config.rename().sourceNamesOf(key)) {
              if (config.match().matches(name)) {
                each.accept(name);
              }
            }
          }
        } while (!(cursor.length == 1 && cursor[0] == '0'));
      }
    };
  }

  /**
   * Null when the source's keyspace notifications cover what --live needs (after adding the missing
   * flags, with --enable-notifications), else the one line that says what to set.
   */
  private String notifications(Connection c, RedisUri node) {
    String flags;
    try {
      c.sendCommand(Protocol.Command.CONFIG, "GET", "notify-keyspace-events");
      flags = configValue(c.getOne());
    } catch (JedisDataException e) {
      // Managed services (ElastiCache) refuse CONFIG: the parameter group is the user's to check.
      ctx.err()
          .println(
              "note: source "
                  + node
                  + " refused CONFIG GET notify-keyspace-events ("
                  + e.getMessage()
                  + "); --live sees changes only if it includes "
                  + KeyspaceNotifications.ADVISED
                  + " (on ElastiCache: the parameter group's notify-keyspace-events)");
      return null;
    }
    String missing = KeyspaceNotifications.missing(flags);
    if (missing.isEmpty()) {
      return null;
    }
    String wanted = KeyspaceNotifications.withNeeded(flags);
    String advice =
        "source "
            + node
            + " has notify-keyspace-events \""
            + flags
            + "\", which lacks \""
            + missing
            + "\" that scan --live needs: set it to \""
            + KeyspaceNotifications.ADVISED
            + "\" (redis-cli CONFIG SET notify-keyspace-events "
            + KeyspaceNotifications.ADVISED
            + "; on ElastiCache, Memorystore or Azure: the parameter group's or instance's"
            + " notify-keyspace-events), or run with --enable-notifications";
    if (!enableNotifications) {
      return advice;
    }
    try {
      c.sendCommand(Protocol.Command.CONFIG, "SET", "notify-keyspace-events", wanted);
      String ok = c.getStatusCodeReply();
      if (!"OK".equals(ok)) {
        return advice + " (CONFIG SET answered " + ok + ")";
      }
    } catch (JedisDataException e) {
      return advice.replace(", or run with --enable-notifications", "")
          + " (--enable-notifications: CONFIG SET was refused: "
          + e.getMessage()
          + ")";
    }
    ctx.err().println("note: set notify-keyspace-events of " + node + " to \"" + wanted + "\"");
    return null;
  }

  /** The value of a one-parameter CONFIG GET reply: a RESP2 list or a RESP3 map. */
  private static String configValue(Object reply) {
    if (reply instanceof JedisDataException e) {
      throw e;
    }
    if (reply instanceof List<?> l && !l.isEmpty()) {
      Object v =
          l.get(0) instanceof java.util.Map.Entry<?, ?> e
              ? e.getValue()
              : l.size() > 1 ? l.get(1) : null;
      if (v instanceof byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    if (reply instanceof List<?> l && l.isEmpty()) {
      throw new JedisDataException("CONFIG GET notify-keyspace-events answered an empty list");
    }
    throw new JedisDataException("CONFIG GET notify-keyspace-events answered " + reply);
  }

  private static boolean sameDatabase(RedisUri from, List<Integer> dbs, EnvAddress.Resolved to) {
    if (!from.host().equals(to.uri().host()) || from.port() != to.uri().port()) {
      return false;
    }
    return dbs.size() == 1 && (!to.explicitDb() || to.uri().db() == dbs.get(0));
  }
}
