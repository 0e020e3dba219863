package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.SyncPoint;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.Tls;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The checkpoint marker of {@code sync --checkpoint}: a key in db 0 of the destination, {@value
 * #PREFIX} followed by the source's address, set in the same transaction as each batch of live
 * commands to {@code "replid offset db"}, so that the destination itself says which offset it
 * holds. This class is the only one that knows its name, its value and how to read it.
 */
public final class CheckpointMarker {
  /** The name of every checkpoint marker, before the source's address. */
  public static final String PREFIX = "redis-keys-migrator:sync-checkpoint:";

  private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.UTF_8);

  private CheckpointMarker() {}

  /** The marker of the source at {@code from} (its address only: the db is in the value). */
  public static byte[] key(RedisUri from) {
    return (PREFIX + from.address()).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The marker of the source at {@code from} at {@code destination}, or null when the destination
   * keeps none: a cluster has no one place for it, its checkpoint is the file alone.
   *
   * @throws ConnectException when the destination cannot be reached
   */
  public static byte[] keyAt(RedisUri destination, RedisUri from, Tls tls) throws ConnectException {
    try (Connection conn = RedisConnector.connect(destination, 0, "destination", tls)) {
      return ClusterSlots.isCluster(conn) ? null : key(from);
    }
  }

  /** Whether {@code key} is a checkpoint marker (verify never counts one as an extra key). */
  public static boolean isMarker(byte[] key) {
    return key.length >= PREFIX_BYTES.length
        && Arrays.equals(key, 0, PREFIX_BYTES.length, PREFIX_BYTES, 0, PREFIX_BYTES.length);
  }

  /** The value recorded after a batch that ends at {@code offset} with {@code db} selected. */
  public static byte[] value(String replId, long offset, int db) {
    return (replId + " " + offset + " " + db).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The point a marker's value records.
   *
   * @throws IllegalArgumentException when {@code value} is not {@code "replid offset db"}
   */
  public static SyncPoint parse(byte[] value) {
    String[] parts = new String(value, StandardCharsets.US_ASCII).split(" ");
    if (parts.length != 3 || parts[0].isEmpty()) {
      throw new IllegalArgumentException(
          "not \"replid offset db\": \"" + new String(value, StandardCharsets.UTF_8) + "\"");
    }
    return new SyncPoint(parts[0], Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
  }

  /**
   * The point the destination's marker {@code key} records, or null when there is none.
   *
   * @throws ConnectException when the destination cannot be reached or the key holds no marker
   */
  public static SyncPoint read(RedisUri destination, byte[] key, Tls tls) throws ConnectException {
    try (Connection conn = RedisConnector.connect(destination, 0, "destination", tls)) {
      conn.sendCommand(Protocol.Command.GET, key);
      byte[] value = conn.getBinaryBulkReply();
      return value == null ? null : parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConnectException(
          "destination key " + new String(key, StandardCharsets.UTF_8) + " is not a checkpoint", e);
    }
  }

  /**
   * Deletes the destination's marker {@code key} (after a clean cutover, so the destination's
   * keyspace equals the source's).
   *
   * @throws ConnectException when the destination cannot be reached, refuses the DEL or the
   *     connection drops
   */
  public static void delete(RedisUri destination, byte[] key, Tls tls) throws ConnectException {
    try (Connection conn = RedisConnector.connect(destination, 0, "destination", tls)) {
      conn.sendCommand(Protocol.Command.DEL, key);
      conn.getIntegerReply();
    } catch (JedisException e) {
      throw new ConnectException(e.getMessage(), e);
    }
  }
}
