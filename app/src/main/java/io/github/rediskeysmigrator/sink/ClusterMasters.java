package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.Reconnector;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.Tls;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The masters of a cluster destination as the run has seen them: which slot each owned (so a writer
 * whose master is gone reconnects to the slot's new owner, its promoted replica), and every master
 * ever seen (to read the slot map from when the seed node is the one gone).
 */
final class ClusterMasters {
  private final RedisUri seed;
  private final DestinationFailover failover;
  // host:port of each master seen, to the lowest slot it owned then.
  private final Map<String, Integer> firstSlots = new ConcurrentHashMap<>();
  private final List<RedisUri> known = new CopyOnWriteArrayList<>();

  ClusterMasters(RedisUri seed, ClusterSlots first, DestinationFailover failover) {
    this.seed = seed;
    this.failover = failover;
    learn(first);
  }

  private void learn(ClusterSlots map) {
    for (HostAndPort m : map.masters()) {
      RedisUri node = seed.withAddress(m.getHost(), m.getPort());
      int slot = map.firstSlotOf(node.address());
      if (slot >= 0) {
        firstSlots.put(node.address(), slot);
      }
      if (!known.contains(node)) {
        known.add(node);
      }
    }
  }

  /**
   * Reconnects a writer to {@code node}: to the owner now of the slots it had when it was a master
   * (itself after a restart, its promoted replica after a failover), else to the node itself (an
   * importing node an ASK named).
   */
  Reconnector reconnector(RedisUri node, Tls tls, int timeoutMillis) {
    return () -> {
      Integer slot = firstSlots.get(node.address());
      if (slot == null) {
        return RedisConnector.connect(node, 0, "destination", tls, timeoutMillis);
      }
      return failover.clusterMaster(node, slot, known).connect();
    };
  }

  /**
   * The slot map, from the seed connection, or from any master seen when that one is gone (its node
   * failed over).
   */
  ClusterSlots slotMap(Connection seedConnection) {
    ClusterSlots map = null;
    if (!seedConnection.isBroken()) {
      try {
        map = ClusterSlots.query(seedConnection);
      } catch (JedisConnectionException e) {
        // The seed node is gone (a failover): another node answers below.
      }
    }
    if (map == null) {
      try {
        map = failover.slots(known);
      } catch (ConnectException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    learn(map);
    return map;
  }
}
