package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyRefetch;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.rdb.RdbTypes;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Reads single keys of a single-node sync source again, over a connection of its own: {@code MULTI,
 * SELECT, DUMP, PTTL, INFO replication, EXEC}, so the value, its TTL and the master_repl_offset are
 * of the same instant (the transaction runs whole, and being read-only is not propagated, so it
 * does not move the offset). The connection opens at the first read, once more after it drops, and
 * anew when the stream follows another master.
 */
final class SourceKeyReads implements KeyRefetch {
  private final Supplier<RedisUri> node;
  private final Tls tls;
  private final LongSupplier wallClockMillis;
  private Connection conn;
  private RedisUri from;

  /**
   * @param node the node the stream follows now (behind Sentinel, the master after a failover)
   */
  SourceKeyReads(Supplier<RedisUri> node, Tls tls, LongSupplier wallClockMillis) {
    this.node = node;
    this.tls = tls;
    this.wallClockMillis = wallClockMillis;
  }

  @Override
  public synchronized Read read(int db, byte[] key) throws SourceException {
    try {
      return transaction(db, key);
    } catch (JedisConnectionException e) {
      // One more try on a new connection: a source that stays away fails the run.
      close();
      try {
        return transaction(db, key);
      } catch (JedisConnectionException again) {
        throw failed("lost the connection", again);
      }
    } catch (JedisDataException e) {
      throw failed("refused it (" + e.getMessage() + ")", e);
    }
  }

  private Read transaction(int db, byte[] key) throws SourceException {
    RedisUri current = node.get();
    if (conn != null && !current.equals(from)) {
      // The stream follows another master now: its offsets are the ones to compare with.
      close();
    }
    if (conn == null) {
      from = current;
      try {
        conn = RedisConnector.connect(from, 0, "source", tls);
      } catch (ConnectException e) {
        throw failed("could not connect (" + e.getMessage() + ")", e);
      }
    }
    conn.sendCommand(Protocol.Command.MULTI);
    conn.sendCommand(Protocol.Command.SELECT, Integer.toString(db));
    conn.sendCommand(Protocol.Command.DUMP, key);
    conn.sendCommand(Protocol.Command.PTTL, key);
    conn.sendCommand(Protocol.Command.INFO, "replication");
    conn.sendCommand(Protocol.Command.EXEC);
    long now = wallClockMillis.getAsLong();
    List<Object> replies = conn.getMany(6);
    for (Object r : replies.subList(0, 5)) {
      if (r instanceof JedisDataException e) {
        throw e;
      }
    }
    if (!(replies.get(5) instanceof List<?> exec) || exec.size() != 4) {
      throw new JedisDataException("EXEC answered " + replies.get(5));
    }
    for (Object r : exec) {
      if (r instanceof JedisDataException e) {
        throw e;
      }
    }
    String info = new String((byte[]) exec.get(3), StandardCharsets.UTF_8);
    String offset = ServerInfo.fields(info).get("master_repl_offset");
    if (offset == null) {
      throw new JedisDataException("INFO replication has no master_repl_offset");
    }
    return new Read(event(db, key, exec.get(1), (Long) exec.get(2), now), Long.parseLong(offset));
  }

  private static KeyEvent event(int db, byte[] key, Object dump, long ttl, long now) {
    if (dump == null || ttl == -2) {
      return KeyEvent.gone(db, key);
    }
    byte[] payload = (byte[]) dump;
    KeyType type = RdbTypes.keyType(payload[0] & 0xff);
    return KeyEvent.of(db, key, type, ttl == -1 ? KeyEvent.NO_EXPIRY : now + ttl, payload);
  }

  private SourceException failed(String what, Exception cause) {
    return new SourceException(
        SourceException.Kind.CONNECTION,
        "source " + node.get() + ": reading a key again after a TTL race, the source " + what,
        cause);
  }

  @Override
  public synchronized void close() {
    if (conn != null) {
      conn.close();
      conn = null;
    }
  }
}
