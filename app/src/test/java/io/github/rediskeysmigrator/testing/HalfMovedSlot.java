package io.github.rediskeysmigrator.testing;

import java.nio.charset.StandardCharsets;
import redis.clients.jedis.Jedis;

/**
 * A slot of a cluster's third master left half moved to its first (MIGRATING at its owner,
 * IMPORTING at the other, as during a reshard), and a hash tag in it; {@link #close} ends the move.
 */
public final class HalfMovedSlot implements AutoCloseable {
  /** The master the slot is moving from: it answers ASK for the slot's new keys. */
  public final RedisServer owner;

  /** The master the slot is moving to. */
  public final RedisServer importing;

  public final int slot;

  /** A hash tag ({@code {askN}}) whose keys fall in the slot. */
  public final String tag;

  private final LocalCluster cluster;
  private final String importingId;

  private HalfMovedSlot(LocalCluster cluster) {
    this.cluster = cluster;
    owner = cluster.nodes().get(2);
    importing = cluster.nodes().get(0);
    try (Jedis o = owner.client();
        Jedis i = importing.client()) {
      String ownerId = o.clusterMyId();
      importingId = i.clusterMyId();
      int n = 0;
      String candidate;
      do {
        candidate = "{ask" + n++ + "}";
      } while (!ownedBy(candidate, ownerId));
      tag = candidate;
      slot = (int) o.clusterKeySlot(candidate);
      i.clusterSetSlotImporting(slot, ownerId);
      o.clusterSetSlotMigrating(slot, importingId);
    }
  }

  /** Starts moving a slot of {@code cluster}'s third master to its first. */
  public static HalfMovedSlot of(LocalCluster cluster) {
    return new HalfMovedSlot(cluster);
  }

  private boolean ownedBy(String key, String id) {
    try (Jedis node = cluster.clientFor(key.getBytes(StandardCharsets.UTF_8))) {
      return node.clusterMyId().equals(id);
    }
  }

  /** The keys {@code node} holds in the slot, in {@code db}. */
  public long keysAt(RedisServer node, int db) {
    try (Jedis j = node.client()) {
      j.select(db);
      return j.clusterCountKeysInSlot(slot);
    }
  }

  /** The move ends: every master hears that the importing node owns the slot now. */
  @Override
  public void close() {
    for (RedisServer node : cluster.nodes()) {
      try (Jedis j = node.client()) {
        j.clusterSetSlotNode(slot, importingId);
      }
    }
  }
}
