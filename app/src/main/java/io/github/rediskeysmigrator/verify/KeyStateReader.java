package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.rdb.RdbTypes;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
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
 *
 * <p>The steps are separate ({@link #probe}, {@link #requestValues}, {@link #states}) so that a
 * caller can keep the server busy with the next batch while it works on the current one.
 */
final class KeyStateReader {
  private static final ProtocolCommand MEMORY = () -> ascii("MEMORY");
  private static final ProtocolCommand PEXPIRETIME = () -> ascii("PEXPIRETIME");
  private static final byte[] USAGE = ascii("USAGE");

  /**
   * The server read, and what it can answer.
   *
   * @param role "source" or "destination", for messages
   * @param absoluteExpiry whether the server has PEXPIRETIME
   * @param sized whether the server answers MEMORY USAGE (some managed services rename or forbid
   *     it)
   */
  record Server(String role, boolean absoluteExpiry, boolean sized) {

    /**
     * Asks the server behind {@code replies}. On a cluster master, {@code probeKey} must be a key
     * of a slot it owns, or the reply is MOVED whatever the server supports; null for a single
     * node.
     */
    static Server asked(String role, ReplyQueue replies, ServerInfo info, byte[] probeKey) {
      byte[] probe = probeKey == null ? ascii("rkm:verify:probe:no-such-key") : probeKey;
      return new Server(role, info.supportsExpireTime(), answersMemoryUsage(replies, probe));
    }

    private static boolean answersMemoryUsage(ReplyQueue replies, byte[] probeKey) {
      try {
        replies.call(MEMORY, USAGE, probeKey);
        return true;
      } catch (JedisDataException e) {
        return false;
      }
    }
  }

  private final ReplyQueue replies;
  private final Server server;
  private final long bigKeyBytes;
  private final LongSupplier wallClock;

  /**
   * @param bigKeyBytes keys bigger than this are compared in chunks, not by one DUMP
   */
  KeyStateReader(ReplyQueue replies, Server server, long bigKeyBytes, LongSupplier wallClock) {
    this.replies = replies;
    this.server = server;
    this.bigKeyBytes = bigKeyBytes;
    this.wallClock = wallClock;
  }

  /** One batch of keys on its way through the steps. */
  static final class Batch {
    private final List<byte[]> keys;
    private final ReplyQueue.Ticket probe;
    private ReplyQueue.Ticket values;
    private boolean[] exists;
    private boolean[] big;
    private long[] expiry;
    private List<KeyState> states;

    private Batch(List<byte[]> keys, ReplyQueue.Ticket probe) {
      this.keys = keys;
      this.probe = probe;
    }
  }

  /** The states of {@code keys} in the connection's current db, in the same order. */
  List<KeyState> read(List<byte[]> keys) throws ServerReadException {
    return states(probe(keys));
  }

  /** Step 1: sends the size and expiry queries of {@code keys} (DUMP too when unsized). */
  Batch probe(List<byte[]> keys) {
    for (byte[] key : keys) {
      if (server.sized()) {
        replies.send(MEMORY, USAGE, key);
      } else {
        replies.send(Protocol.Command.DUMP, key);
      }
      if (server.absoluteExpiry()) {
        replies.send(PEXPIRETIME, key);
      } else {
        replies.send(Protocol.Command.PTTL, key);
      }
    }
    return new Batch(keys, replies.ticket());
  }

  /** Step 2: waits for the probe's replies and sends DUMP (or TYPE, for big keys). */
  void requestValues(Batch b) throws ServerReadException {
    if (b.exists != null) {
      return;
    }
    List<Object> first = replies.await(b.probe);
    long now = wallClock.getAsLong();
    int n = b.keys.size();
    b.exists = new boolean[n];
    b.big = new boolean[n];
    b.expiry = new long[n];
    List<KeyState> unsized = server.sized() ? null : new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Object head = check(first.get(2 * i), server.sized() ? "MEMORY USAGE" : "DUMP");
      long t = expiry(first.get(2 * i + 1), now);
      b.exists[i] = head != null && t != -2;
      b.expiry[i] = t == -2 ? KeyEvent.NO_EXPIRY : t;
      if (server.sized()) {
        b.big[i] = b.exists[i] && (Long) head > bigKeyBytes;
      } else {
        unsized.add(b.exists[i] ? payloadState((byte[]) head, b.expiry[i]) : KeyState.missing());
      }
    }
    if (!server.sized()) {
      b.states = unsized;
      return;
    }
    for (int i = 0; i < n; i++) {
      if (b.exists[i]) {
        replies.send(b.big[i] ? Protocol.Command.TYPE : Protocol.Command.DUMP, b.keys.get(i));
      }
    }
    b.values = replies.ticket();
  }

  /** Step 3: waits for the values and returns the states, in the order of the keys. */
  List<KeyState> states(Batch b) throws ServerReadException {
    requestValues(b);
    if (b.states != null) {
      return b.states;
    }
    List<Object> second = replies.await(b.values);
    int n = b.keys.size();
    List<KeyState> states = new ArrayList<>(n);
    int r = 0;
    for (int i = 0; i < n; i++) {
      if (!b.exists[i]) {
        states.add(KeyState.missing());
        continue;
      }
      Object reply = second.get(r++);
      if (b.big[i]) {
        KeyType type = typeOf((byte[]) check(reply, "TYPE"));
        states.add(type == null ? KeyState.missing() : KeyState.big(type, b.expiry[i]));
      } else {
        states.add(payloadState((byte[]) check(reply, "DUMP"), b.expiry[i]));
      }
    }
    b.states = states;
    return states;
  }

  private KeyState payloadState(byte[] payload, long expireAt) throws ServerReadException {
    if (payload == null) {
      // Deleted or expired between the two round trips.
      return KeyState.missing();
    }
    try {
      return KeyState.ofPayload(RdbTypes.keyType(payload[0] & 0xff), expireAt, payload);
    } catch (IllegalArgumentException e) {
      throw new ServerReadException(
          "the " + server.role() + " sent a DUMP payload of unknown type: " + e.getMessage(), e);
    }
  }

  /** Absolute expiry, -1 for none, -2 for a missing key. */
  private long expiry(Object reply, long now) throws ServerReadException {
    long t = (Long) check(reply, server.absoluteExpiry() ? "PEXPIRETIME" : "PTTL");
    if (t < 0 || server.absoluteExpiry()) {
      return t;
    }
    return now + t;
  }

  private Object check(Object reply, String command) throws ServerReadException {
    if (reply instanceof JedisDataException e) {
      throw new ServerReadException(
          "the " + server.role() + " refused " + command + ": " + e.getMessage(), e);
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
