package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.ValueDigest;
import io.github.rediskeysmigrator.redis.ClusterDatabases;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The destination as verify reads it: one single-node server, or every master of a Redis Cluster
 * with one connection each, where each key is read on the master that owns its hash slot. A batch
 * of keys is split per master and pipelined on each; its states come back in the order of the keys.
 * A Redis Cluster has db 0 only (a Valkey 9 cluster as many as its cluster-databases, each master
 * switched together), and a slot that moves while verify runs makes its master answer MOVED, which
 * stops the run (exit 3) rather than being followed.
 */
public final class DestinationNodes implements AutoCloseable {

  private final List<Node> nodes;
  private final ClusterSlots slots;
  private final ClusterDatabases databases;
  private int db;

  private DestinationNodes(
      List<Node> nodes, ClusterSlots slots, ClusterDatabases databases, int db) {
    this.nodes = List.copyOf(nodes);
    this.slots = slots;
    this.databases = databases;
    this.db = db;
  }

  /**
   * Connects to the destination {@code to}: its one node on its db, or, when it is a node of a
   * cluster, every master on db 0 (switched to the db of the keys as they come).
   *
   * @throws ConnectException when a node is unreachable or refuses to authenticate
   * @throws IllegalArgumentException when a cluster destination is given a db it does not have
   *     (--to, --db-map, --db), or its slot map leaves slots without a master
   */
  public static DestinationNodes open(
      RedisUri to, Tls tls, VerifyConfig config, LongSupplier wallClock) throws ConnectException {
    List<Connection> opened = new ArrayList<>();
    try {
      // db 0 first: a cluster refuses SELECT of any other.
      Connection seed = RedisConnector.connect(to, 0, "destination", tls);
      opened.add(seed);
      if (!ClusterSlots.isCluster(seed)) {
        Connection conn = seed;
        if (to.dbOrZero() != 0) {
          conn = RedisConnector.connect(to, to.dbOrZero(), "destination", tls);
          opened.add(conn);
          seed.close();
        }
        Node node = node(to.address(), conn, config, wallClock, null);
        opened.clear();
        return new DestinationNodes(List.of(node), null, null, to.dbOrZero());
      }
      ClusterDatabases databases = ClusterDatabases.query(seed);
      String refused = databases.refusal(config.selection());
      if (refused != null) {
        throw new IllegalArgumentException(refused);
      }
      ClusterSlots map = ClusterSlots.query(seed);
      if (!map.complete()) {
        throw new IllegalArgumentException(
            "the destination cluster has hash slots without a master; fix the cluster first"
                + " (redis-cli --cluster check)");
      }
      List<Node> masters = new ArrayList<>();
      for (HostAndPort master : map.masters()) {
        RedisUri uri = to.withAddress(master.getHost(), master.getPort());
        Connection c = RedisConnector.connect(uri, 0, "destination", tls);
        opened.add(c);
        masters.add(node(uri.address(), c, config, wallClock, probeKey(map, masters.size())));
      }
      seed.close();
      opened.clear();
      return new DestinationNodes(masters, map, databases, 0);
    } finally {
      // Only reached with connections left here when opening failed part way.
      for (Connection c : opened) {
        c.close();
      }
    }
  }

  /** A key name in a slot that master {@code master} of {@code map} owns. */
  static byte[] probeKey(ClusterSlots map, int master) {
    for (int i = 0; ; i++) {
      byte[] key = ("rkm:verify:probe:" + i).getBytes(StandardCharsets.US_ASCII);
      if (map.owner(ClusterSlots.slot(key)) == master) {
        return key;
      }
    }
  }

  /**
   * @param probeKey the key name to ask MEMORY USAGE about, or null for any (a single node)
   */
  private static Node node(
      String address,
      Connection conn,
      VerifyConfig config,
      LongSupplier wallClock,
      byte[] probeKey) {
    ServerInfo info = ServerInfo.query(conn);
    return Node.open("destination", address, conn, info, probeKey, config.bigKeyBytes(), wallClock);
  }

  /** Whether the destination is a cluster (keys spread over the masters). */
  public boolean cluster() {
    return slots != null;
  }

  /** The servers read: the one node, or every master. */
  List<Node> nodes() {
    return nodes;
  }

  /** The db the connections are on. */
  int db() {
    return db;
  }

  /** The index in {@link #nodes} of the node that holds {@code key}. */
  int nodeOf(byte[] key) {
    return slots == null ? 0 : slots.owner(ClusterSlots.slot(key));
  }

  /** One batch of keys with its reads under way: a part per node that holds some of them. */
  static final class Batch {
    private final int size;
    private final int[] node;
    private final KeyStateReader.Batch[] parts;

    private Batch(int size, int[] node, KeyStateReader.Batch[] parts) {
      this.size = size;
      this.node = node;
      this.parts = parts;
    }
  }

  /** Step 1: sends the size and expiry queries of {@code keys}, each to the node holding it. */
  Batch probe(List<byte[]> keys) {
    if (nodes.size() == 1) {
      return new Batch(keys.size(), null, new KeyStateReader.Batch[] {reader(0).probe(keys)});
    }
    int[] owner = new int[keys.size()];
    List<List<byte[]>> perNode = new ArrayList<>();
    nodes.forEach(n -> perNode.add(new ArrayList<>()));
    for (int i = 0; i < keys.size(); i++) {
      owner[i] = nodeOf(keys.get(i));
      perNode.get(owner[i]).add(keys.get(i));
    }
    KeyStateReader.Batch[] parts = new KeyStateReader.Batch[nodes.size()];
    for (int n = 0; n < parts.length; n++) {
      if (!perNode.get(n).isEmpty()) {
        parts[n] = reader(n).probe(perNode.get(n));
      }
    }
    return new Batch(keys.size(), owner, parts);
  }

  /** Step 2: waits for each node's probe replies and sends its DUMPs (or TYPEs). */
  void requestValues(Batch b) throws ServerReadException {
    for (int n = 0; n < b.parts.length; n++) {
      if (b.parts[n] != null) {
        reader(n).requestValues(b.parts[n]);
      }
    }
  }

  /** Step 3: the states of the batch's keys, in the order they were probed. */
  List<KeyState> states(Batch b) throws ServerReadException {
    if (b.node == null) {
      return reader(0).states(b.parts[0]);
    }
    List<List<KeyState>> perNode = new ArrayList<>();
    for (int n = 0; n < b.parts.length; n++) {
      perNode.add(b.parts[n] == null ? List.of() : reader(n).states(b.parts[n]));
    }
    int[] next = new int[b.parts.length];
    List<KeyState> out = new ArrayList<>(b.size);
    for (int i = 0; i < b.size; i++) {
      int n = b.node[i];
      out.add(perNode.get(n).get(next[n]++));
    }
    return out;
  }

  /** The digest of a big key, read in chunks on the node that holds it. */
  ValueDigest.Result digest(byte[] key, KeyType type) throws Judge.UnverifiableException {
    return nodes.get(nodeOf(key)).chunks().digest(key, type);
  }

  /** Switches every node (the one, or each master) to {@code target}; nothing may be in flight. */
  void select(int target) throws ServerReadException {
    if (slots != null && !databases.serves(target)) {
      throw new ServerReadException(
          "the destination is "
              + databases.describe()
              + ", and source keys map to db "
              + target
              + "; choose the source dbs with --db or map them to "
              + (databases.count() == 1 ? "0" : "one of its dbs")
              + " with --db-map",
          null);
    }
    for (Node node : nodes) {
      select(node.replies(), target);
    }
    db = target;
  }

  private static void select(ReplyQueue replies, int target) throws ServerReadException {
    Object reply;
    try {
      reply =
          replies.call(
              Protocol.Command.SELECT,
              Integer.toString(target).getBytes(StandardCharsets.US_ASCII));
    } catch (JedisDataException e) {
      throw new ServerReadException(
          "the destination refused SELECT " + target + " (" + e.getMessage() + ")", e);
    }
    if (!(reply instanceof byte[] bytes)
        || !new String(bytes, StandardCharsets.US_ASCII).equals("OK")) {
      throw new ServerReadException("unexpected reply to SELECT " + target, null);
    }
  }

  private KeyStateReader reader(int n) {
    return nodes.get(n).states();
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      try {
        n.replies().close();
      } catch (JedisConnectionException e) {
        // Every reply was read or the run is ending on this very failure: nothing to lose.
        org.slf4j.LoggerFactory.getLogger(DestinationNodes.class)
            .debug("closing a destination connection failed", e);
      }
    }
  }
}
