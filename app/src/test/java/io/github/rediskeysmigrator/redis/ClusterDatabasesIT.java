package io.github.rediskeysmigrator.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * How many dbs real cluster nodes say they have: a Redis Cluster 1, a Valkey 9 node its
 * cluster-databases, read by CONFIG GET or, where CONFIG is refused, probed with SELECT.
 */
class ClusterDatabasesIT {
  @RegisterExtension
  static final RedisServerExtension redis =
      RedisServerExtension.shared("redis-7.4.1", "--cluster-enabled", "yes");

  @RegisterExtension
  static final RedisServerExtension valkeyDefault =
      RedisServerExtension.shared("valkey-9.1.2", "--cluster-enabled", "yes");

  @RegisterExtension
  static final RedisServerExtension valkeyWithoutConfig =
      RedisServerExtension.shared(
          "valkey-9.1.2",
          "--cluster-enabled",
          "yes",
          "--cluster-databases",
          "7",
          "--rename-command",
          "CONFIG",
          "");

  private static ClusterDatabases query(RedisServerExtension server) throws ConnectException {
    try (Connection c =
        RedisConnector.connect(RedisUri.parse(server.server().uri()), 0, "destination")) {
      ClusterDatabases dbs = ClusterDatabases.query(c);
      // The connection is left on db 0 (a node without slots takes no key to check it by).
      c.sendCommand(Protocol.Command.CLIENT, "INFO");
      String info = c.getBulkReply();
      assertTrue(info.contains(" db=0 "), info);
      return dbs;
    }
  }

  @Test
  void aRedisClusterHasDbZeroOnly() throws ConnectException {
    ClusterDatabases dbs = query(redis);
    assertEquals(1, dbs.count());
    assertEquals("a Redis Cluster, which has db 0 only", dbs.describe());
  }

  @Test
  void aValkeyClusterByDefaultHasOneDbAndSaysWhy() throws ConnectException {
    ClusterDatabases dbs = query(valkeyDefault);
    assertEquals(1, dbs.count());
    assertTrue(dbs.describe().contains("cluster-databases 1"), dbs.describe());
  }

  @Test
  void withoutConfigTheDbsAreProbedWithSelect() throws ConnectException {
    try (Connection c =
        RedisConnector.connect(
            RedisUri.parse(valkeyWithoutConfig.server().uri()), 0, "destination")) {
      c.sendCommand(Protocol.Command.CONFIG, "GET", "cluster-databases");
      assertThrows(JedisDataException.class, c::getOne);
    }
    ClusterDatabases dbs = query(valkeyWithoutConfig);
    assertEquals(7, dbs.count());
    assertTrue(dbs.serves(6));
    assertFalse(dbs.serves(7));
  }
}
