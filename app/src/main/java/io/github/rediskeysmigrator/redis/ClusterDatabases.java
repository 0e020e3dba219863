package io.github.rediskeysmigrator.redis;

import io.github.rediskeysmigrator.core.MigrationConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * How many dbs a cluster serves: a Redis Cluster has db 0 only; a Valkey 9 cluster has as many as
 * its {@code cluster-databases} says (1 by default), and SELECT works on each node up to that.
 */
public final class ClusterDatabases {
  // Past this the probe stops doubling: far beyond any configured count, and a few round trips.
  private static final int PROBE_LIMIT = 1 << 20;

  private final int count;
  // Whether the server has the setting (Valkey 9+), so that a refusal can point at it.
  private final boolean setting;

  private ClusterDatabases(int count, boolean setting) {
    this.count = count;
    this.setting = setting;
  }

  /**
   * A cluster of {@code count} dbs (0 to count - 1).
   *
   * @param setting whether the count is the server's cluster-databases (Valkey 9+), not the one db
   *     of a Redis Cluster
   */
  public static ClusterDatabases of(int count, boolean setting) {
    if (count < 1) {
      throw new IllegalArgumentException("a cluster has at least one db, got " + count);
    }
    return new ClusterDatabases(count, setting);
  }

  /**
   * Asks a node of a cluster: {@code CONFIG GET cluster-databases} (an empty answer is a server
   * without the setting, a Redis Cluster: 1); where CONFIG is refused (a managed service), probes
   * with SELECT for the highest db the node takes. The connection is on db 0 afterwards.
   */
  public static ClusterDatabases query(Connection conn) {
    try {
      conn.sendCommand(Protocol.Command.CONFIG, "GET", "cluster-databases");
      Integer configured = configValue(conn.getOne());
      return configured == null ? of(1, false) : of(configured, true);
    } catch (JedisDataException e) {
      int probed = probe(conn);
      return of(probed, probed > 1);
    }
  }

  /** The number of dbs, 0 to count - 1. */
  public int count() {
    return count;
  }

  /** Whether {@code db} is one of the cluster's dbs. */
  public boolean serves(int db) {
    return db >= 0 && db < count;
  }

  /**
   * The cluster as a refusal names it, e.g. {@code "a Redis Cluster, which has db 0 only"}, {@code
   * "a cluster with db 0 only (cluster-databases 1)"} or {@code "a cluster with dbs 0 to 15
   * (cluster-databases 16)"}.
   */
  public String describe() {
    if (count == 1) {
      return setting
          ? "a cluster with db 0 only (cluster-databases 1)"
          : "a Redis Cluster, which has db 0 only";
    }
    return "a cluster with dbs 0 to " + (count - 1) + " (cluster-databases " + count + ")";
  }

  /**
   * Why the db choice of {@code selection} does not fit this cluster as the destination, as one
   * line, or null when it does: --to naming a db the cluster lacks, --db-map mapping into one, or
   * --db selecting one that is written to its own number.
   */
  public String refusal(MigrationConfig selection) {
    String cluster = "the destination is " + describe() + "; ";
    int target = selection.targetDb();
    if (target >= 0 && !serves(target)) {
      return cluster
          + (count == 1
              ? "drop the /" + target + " from --to"
              : "--to names db " + target + ", which it does not have");
    }
    for (Map.Entry<Integer, Integer> e : new TreeMap<>(selection.dbMap()).entrySet()) {
      if (!serves(e.getValue())) {
        return cluster
            + "--db-map "
            + e.getKey()
            + "="
            + e.getValue()
            + " maps to db "
            + e.getValue()
            + ", which it does not have";
      }
    }
    for (int db : new TreeSet<>(selection.dbs())) {
      int to = selection.destinationDb(db);
      if (!serves(to)) {
        return cluster
            + "--db "
            + db
            + " keeps its keys in db "
            + to
            + " (map them with --db-map "
            + db
            + "=0)";
      }
    }
    return null;
  }

  /** The integer of a one-parameter CONFIG GET reply (RESP2 list or RESP3 map), null if empty. */
  private static Integer configValue(Object reply) {
    if (reply instanceof JedisDataException e) {
      throw e;
    }
    Object value = null;
    if (reply instanceof List<?> l && !l.isEmpty()) {
      value = l.get(0) instanceof Map.Entry<?, ?> e ? e.getValue() : l.size() > 1 ? l.get(1) : null;
    } else if (reply instanceof List<?> l) {
      return null;
    }
    if (value instanceof byte[] b) {
      try {
        return Integer.parseInt(new String(b, StandardCharsets.US_ASCII).trim());
      } catch (NumberFormatException nfe) {
        throw new JedisDataException(
            "CONFIG GET cluster-databases answered " + new String(b, StandardCharsets.UTF_8));
      }
    }
    throw new JedisDataException("CONFIG GET cluster-databases answered " + reply);
  }

  /** The number of dbs SELECT takes: doubling until refused, then halving the gap. */
  private static int probe(Connection conn) {
    if (!selects(conn, 1)) {
      return 1;
    }
    int good = 1;
    int bad = 2;
    while (bad < PROBE_LIMIT && selects(conn, bad)) {
      good = bad;
      bad *= 2;
    }
    while (bad - good > 1) {
      int mid = good + (bad - good) / 2;
      if (selects(conn, mid)) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    if (!selects(conn, 0)) {
      throw new JedisDataException("the cluster node refused SELECT 0");
    }
    return good + 1;
  }

  private static boolean selects(Connection conn, int db) {
    conn.sendCommand(Protocol.Command.SELECT, Integer.toString(db));
    Object reply;
    try {
      reply = conn.getOne();
    } catch (JedisDataException e) {
      // ERR DB index is out of range (Valkey), ERR SELECT is not allowed in cluster mode (Redis).
      return false;
    }
    if (reply instanceof byte[] b && new String(b, StandardCharsets.US_ASCII).equals("OK")) {
      return true;
    }
    throw new JedisDataException("SELECT " + db + " answered " + reply);
  }
}
