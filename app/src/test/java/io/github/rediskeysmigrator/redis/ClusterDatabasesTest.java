package io.github.rediskeysmigrator.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.testing.MigrationConfigs;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which db choices a cluster destination takes, and the one line that refuses the others. */
class ClusterDatabasesTest {
  private static final ClusterDatabases REDIS = ClusterDatabases.of(1, false);
  private static final ClusterDatabases VALKEY_ONE = ClusterDatabases.of(1, true);
  private static final ClusterDatabases VALKEY_16 = ClusterDatabases.of(16, true);

  private static MigrationConfig choice(Set<Integer> dbs, Map<Integer, Integer> dbMap, int to) {
    return MigrationConfigs.selecting(dbs, dbMap, to, "*", Set.of());
  }

  @Test
  void servesItsDbsOnly() {
    assertTrue(REDIS.serves(0));
    assertFalse(REDIS.serves(1));
    assertTrue(VALKEY_16.serves(15));
    assertFalse(VALKEY_16.serves(16));
    assertFalse(VALKEY_16.serves(-1));
    assertThrows(IllegalArgumentException.class, () -> ClusterDatabases.of(0, true));
  }

  @Test
  void anyChoiceInsideTheClusterIsTaken() {
    assertNull(REDIS.refusal(choice(Set.of(), Map.of(), -1)));
    assertNull(REDIS.refusal(choice(Set.of(1, 5), Map.of(1, 0, 5, 0), -1)));
    assertNull(REDIS.refusal(choice(Set.of(3), Map.of(), 0)));
    assertNull(VALKEY_16.refusal(choice(Set.of(1, 5), Map.of(1, 7, 5, 15), -1)));
    assertNull(VALKEY_16.refusal(choice(Set.of(), Map.of(), 9)));
  }

  @Test
  void aRedisClusterRefusesAnotherDbByToByDbMapAndByDb() {
    assertEquals(
        "the destination is a Redis Cluster, which has db 0 only; drop the /3 from --to",
        REDIS.refusal(choice(Set.of(), Map.of(), 3)));
    assertEquals(
        "the destination is a Redis Cluster, which has db 0 only; --db-map 0=1 maps to db 1,"
            + " which it does not have",
        REDIS.refusal(choice(Set.of(), Map.of(0, 1), -1)));
    assertEquals(
        "the destination is a Redis Cluster, which has db 0 only; --db 2 keeps its keys in db 2"
            + " (map them with --db-map 2=0)",
        REDIS.refusal(choice(Set.of(0, 2), Map.of(), -1)));
  }

  @Test
  void aValkeyClusterNamesItsSetting() {
    assertEquals(
        "the destination is a cluster with db 0 only (cluster-databases 1); --db-map 0=1 maps to"
            + " db 1, which it does not have",
        VALKEY_ONE.refusal(choice(Set.of(), Map.of(0, 1), -1)));
    assertEquals(
        "the destination is a cluster with dbs 0 to 15 (cluster-databases 16); --to names db 20,"
            + " which it does not have",
        VALKEY_16.refusal(choice(Set.of(), Map.of(), 20)));
    assertEquals(
        "the destination is a cluster with dbs 0 to 15 (cluster-databases 16); --db-map 1=16 maps"
            + " to db 16, which it does not have",
        VALKEY_16.refusal(choice(Set.of(1), Map.of(1, 16, 0, 2), -1)));
  }
}
