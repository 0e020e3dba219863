package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * A real Redis Cluster of three masters (Debian's redis-server, or a server of another version from
 * {@link ServerProviders}), made with {@code redis-cli --cluster create} once per test class and
 * emptied (every db) before each test; {@link #withReplicas()} gives each master a replica, which
 * takes its place when it is killed.
 */
public final class LocalCluster implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private final List<RedisServer> nodes = new ArrayList<>();
  // A prebuilt server's name (valkey-9.1.2), or null for Debian's.
  private final String shared;
  private final List<String> extraArgs;
  private final int replicas;
  private final int nodeTimeoutMs;

  /** A cluster of Debian's redis-server. */
  public LocalCluster() {
    this(null, List.of(), 0, 5000);
  }

  private LocalCluster(String shared, List<String> extraArgs, int replicas, int nodeTimeoutMs) {
    this.shared = shared;
    this.extraArgs = List.copyOf(extraArgs);
    this.replicas = replicas;
    this.nodeTimeoutMs = nodeTimeoutMs;
  }

  /**
   * Three masters of Debian's redis-server with a replica each, and a node timeout of {@link
   * #FAILOVER_NODE_TIMEOUT_MS}: a killed master's replica takes its slots a few seconds later.
   */
  public static LocalCluster withReplicas() {
    return new LocalCluster(null, List.of(), 1, FAILOVER_NODE_TIMEOUT_MS);
  }

  /** cluster-node-timeout of {@link #withReplicas()}: how long a master may be silent. */
  public static final int FAILOVER_NODE_TIMEOUT_MS = 2000;

  /**
   * A cluster of the prebuilt {@code name} (e.g. {@code valkey-9.1.2}), each node started with
   * {@code extraArgs} too (e.g. {@code --cluster-databases 16}).
   */
  public static LocalCluster of(String name, String... extraArgs) {
    return new LocalCluster(name, List.of(extraArgs), 0, 5000);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", String.valueOf(nodeTimeoutMs),
                "--repl-diskless-sync-delay", "0"));
    args.addAll(extraArgs);
    String[] nodeArgs = args.toArray(String[]::new);
    for (int i = 0; i < 3 * (1 + replicas); i++) {
      nodes.add(
          shared == null
              ? RedisServer.startDebian(nodeArgs)
              : RedisServer.startShared(shared, nodeArgs));
    }
    List<String> cmd = new ArrayList<>(List.of(cli(), "--cluster", "create"));
    for (RedisServer n : nodes) {
      cmd.add("127.0.0.1:" + n.port());
    }
    cmd.addAll(List.of("--cluster-replicas", String.valueOf(replicas), "--cluster-yes"));
    Path log = Files.createTempFile("rkm-cluster-create", ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "redis-cli --cluster create failed:\n" + Files.readString(log));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (RedisServer n : nodes) {
      while (true) {
        try (Jedis j = n.client()) {
          String role = j.info("replication");
          if (j.clusterInfo().contains("cluster_state:ok")
              && (role.contains("role:master") || role.contains("master_link_status:up"))) {
            break;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the cluster did not reach cluster_state:ok");
        }
        Thread.sleep(100);
      }
    }
  }

  /** The server's own cli when it has one (valkey-cli), else Debian's redis-cli. */
  private String cli() {
    return nodes.get(0).launcher().cli().map(Path::toString).orElse("redis-cli");
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    nodes().forEach(RedisServer::flushAll);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    nodes.forEach(RedisServer::close);
  }

  /** The masters: every node, or with replicas, the nodes that answer as masters now. */
  public List<RedisServer> nodes() {
    if (replicas == 0) {
      return nodes;
    }
    List<RedisServer> masters = new ArrayList<>();
    for (RedisServer n : nodes) {
      try (Jedis j = n.client()) {
        if (j.info("replication").contains("role:master")) {
          masters.add(n);
        }
      } catch (redis.clients.jedis.exceptions.JedisConnectionException gone) {
        // killed by the test
      }
    }
    return masters;
  }

  /** The replica of {@code master} (with {@link #withReplicas()}). */
  public RedisServer replicaOf(RedisServer master) {
    for (RedisServer n : nodes) {
      try (Jedis j = n.client()) {
        if (j.info("replication").contains("master_port:" + master.port() + "\r\n")) {
          return n;
        }
      } catch (redis.clients.jedis.exceptions.JedisConnectionException gone) {
        // killed by the test
      }
    }
    throw new IllegalStateException("no replica of port " + master.port());
  }

  /** Any node's address: the tool finds the others. */
  public String uri() {
    return nodes.get(0).uri();
  }

  /** Keys in the whole cluster. */
  public long dbSize() {
    return dbSize(0);
  }

  /** Keys in db {@code db} of the whole cluster (a Valkey 9 cluster with cluster-databases). */
  public long dbSize(int db) {
    long n = 0;
    for (RedisServer node : nodes()) {
      try (Jedis j = node.client()) {
        if (db != 0) {
          j.select(db);
        }
        n += j.dbSize();
      }
    }
    return n;
  }

  /** Clients on every master (the caller closes them). */
  public List<Jedis> clients() {
    List<Jedis> all = new ArrayList<>();
    nodes().forEach(n -> all.add(n.client()));
    return all;
  }

  /** Copies every key of {@code from}'s current db to its master here (DUMP, RESTORE, expiry). */
  public void load(Jedis from) {
    for (String hex : DatasetAssert.keys(from)) {
      byte[] key = java.util.HexFormat.of().parseHex(hex);
      long expireAt = DatasetAssert.expireTime(from, key);
      try (Jedis owner = clientFor(key)) {
        owner.restore(
            key,
            expireAt < 0 ? 0 : expireAt,
            from.dump(key),
            expireAt < 0
                ? new redis.clients.jedis.params.RestoreParams()
                : new redis.clients.jedis.params.RestoreParams().absTtl());
      }
    }
  }

  /** The sum of the masters' replication offsets; and each master's, by address. */
  public java.util.Map<String, Long> replicationOffsets() {
    java.util.Map<String, Long> offsets = new java.util.TreeMap<>();
    for (RedisServer n : nodes()) {
      try (Jedis j = n.client()) {
        for (String line : j.info("replication").split("\r?\n")) {
          if (line.startsWith("master_repl_offset:")) {
            offsets.put(
                "127.0.0.1:" + n.port(),
                Long.parseLong(line.substring("master_repl_offset:".length()).trim()));
          }
        }
      }
    }
    return offsets;
  }

  /** A client on the node that owns {@code key}'s slot. */
  public Jedis clientFor(byte[] key) {
    for (RedisServer node : nodes()) {
      Jedis j = node.client();
      long slot = j.clusterKeySlot(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1));
      List<Object> owned = j.clusterSlots();
      for (Object r : owned) {
        List<?> range = (List<?>) r;
        long start = (Long) range.get(0);
        long end = (Long) range.get(1);
        int port = ((Long) ((List<?>) range.get(2)).get(1)).intValue();
        if (slot >= start && slot <= end && port == node.port()) {
          return j;
        }
      }
      j.close();
    }
    throw new UncheckedIOException(new IOException("no node owns the slot of that key"));
  }
}
