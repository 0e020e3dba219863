package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.rdb.RdbTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Reads what one server holds under a batch of keys, pipelined, in two round trips: first each
 * key's size ({@code MEMORY USAGE}) and expiry ({@code PEXPIRETIME} on Redis 7+, else {@code PTTL}
 * added to the local clock), then the {@code DUMP} payload of each key up to the big-key threshold
 * and only the {@code TYPE} of bigger ones, which are then compared in chunks. So no reply is ever
 * bigger than the threshold. A server without {@code MEMORY USAGE} gets one round trip with DUMP
 * for every key.
 */
final class KeyStateReader {
  private static final ProtocolCommand MEMORY = () -> ascii("MEMORY");
  private static final ProtocolCommand PEXPIRETIME = () -> ascii("PEXPIRETIME");
  private static final byte[] USAGE = ascii("USAGE");

  private final Connection conn;
  private final boolean absoluteExpiry;
  private final boolean sized;
  private final long bigKeyBytes;
  private final LongSupplier wallClock;
  private final String role;

  /**
   * @param absoluteExpiry whether the server has PEXPIRETIME
   * @param sized whether the server answers MEMORY USAGE (see {@link #answersMemoryUsage})
   * @param role "source" or "destination", for messages
   */
  KeyStateReader(
      Connection conn,
      boolean absoluteExpiry,
      boolean sized,
      long bigKeyBytes,
      LongSupplier wallClock,
      String role) {
    this.conn = conn;
    this.absoluteExpiry = absoluteExpiry;
    this.sized = sized;
    this.bigKeyBytes = bigKeyBytes;
    this.wallClock = wallClock;
    this.role = role;
  }

  /** Whether the server answers MEMORY USAGE (some managed services rename or forbid it). */
  static boolean answersMemoryUsage(Connection conn) {
    conn.sendCommand(MEMORY, USAGE, ascii("rkm:verify:probe:no-such-key"));
    Object reply = conn.getMany(1).get(0);
    return !(reply instanceof JedisDataException);
  }

  /** The states of {@code keys} in the connection's current db, in the same order. */
  List<KeyState> read(List<byte[]> keys) throws ServerReadException {
    int n = keys.size();
    for (byte[] key : keys) {
      if (sized) {
        conn.sendCommand(MEMORY, USAGE, key);
      } else {
        conn.sendCommand(Protocol.Command.DUMP, key);
      }
      sendExpiry(key);
    }
    List<Object> first = conn.getMany(2 * n);
    long now = wallClock.getAsLong();
    long[] expiry = new long[n];
    boolean[] exists = new boolean[n];
    boolean[] big = new boolean[n];
    List<KeyState> states = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Object head = check(first.get(2 * i), sized ? "MEMORY USAGE" : "DUMP");
      long t = expiry(first.get(2 * i + 1), now);
      exists[i] = head != null && t != -2;
      expiry[i] = t == -2 ? KeyEvent.NO_EXPIRY : t;
      if (!sized) {
        states.add(exists[i] ? payloadState((byte[]) head, expiry[i]) : missing());
        continue;
      }
      if (exists[i]) {
        big[i] = (Long) head > bigKeyBytes;
      }
    }
    if (!sized) {
      return states;
    }
    int asked = 0;
    for (int i = 0; i < n; i++) {
      if (exists[i]) {
        conn.sendCommand(big[i] ? Protocol.Command.TYPE : Protocol.Command.DUMP, keys.get(i));
        asked++;
      }
    }
    List<Object> second = asked == 0 ? List.of() : conn.getMany(asked);
    int r = 0;
    for (int i = 0; i < n; i++) {
      if (!exists[i]) {
        states.add(missing());
        continue;
      }
      Object reply = second.get(r++);
      if (big[i]) {
        KeyType type = typeOf((byte[]) check(reply, "TYPE"));
        states.add(type == null ? missing() : KeyState.big(type, expiry[i]));
      } else {
        states.add(
            reply == null ? missing() : payloadState((byte[]) check(reply, "DUMP"), expiry[i]));
      }
    }
    return states;
  }

  private static KeyState missing() {
    return KeyState.missing();
  }

  private KeyState payloadState(byte[] payload, long expireAt) throws ServerReadException {
    if (payload == null) {
      return missing();
    }
    try {
      return KeyState.ofPayload(RdbTypes.keyType(payload[0] & 0xff), expireAt, payload);
    } catch (IllegalArgumentException e) {
      throw new ServerReadException(
          role + " sent a DUMP payload of unknown type: " + e.getMessage(), e);
    }
  }

  private void sendExpiry(byte[] key) {
    if (absoluteExpiry) {
      conn.sendCommand(PEXPIRETIME, key);
    } else {
      conn.sendCommand(Protocol.Command.PTTL, key);
    }
  }

  /** Absolute expiry, -1 for none, -2 for a missing key. */
  private long expiry(Object reply, long now) throws ServerReadException {
    long t = (Long) check(reply, absoluteExpiry ? "PEXPIRETIME" : "PTTL");
    if (t < 0 || absoluteExpiry) {
      return t;
    }
    return now + t;
  }

  private Object check(Object reply, String command) throws ServerReadException {
    if (reply instanceof JedisDataException e) {
      throw new ServerReadException(
          "the " + role + " refused " + command + ": " + e.getMessage(), e);
    }
    return reply;
  }

  /** The type a TYPE reply names; null for "none" (the key is gone). */
  static KeyType typeOf(byte[] reply) {
    String name = new String(reply, StandardCharsets.US_ASCII);
    if (name.equals("none")) {
      return null;
    }
    for (KeyType t : KeyType.values()) {
      if (t != KeyType.MODULE && t.redisName().equals(name)) {
        return t;
      }
    }
    // Module types answer with their own name (e.g. ReJSON-RL).
    return KeyType.MODULE;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
