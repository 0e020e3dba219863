package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.RedisUri;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What {@code scan --live} needs from a source's {@code notify-keyspace-events}, and how its
 * keyspace channels name a key.
 */
public final class KeyspaceNotifications {
  /** The classes of events a live re-read must hear of: K plus every event class of "A". */
  static final String NEEDED = "Kg$lshzxet";

  /** The value we ask users to set. */
  public static final String ADVISED = "KEA";

  private static final byte[] PREFIX = "__keyspace@".getBytes(StandardCharsets.US_ASCII);

  private KeyspaceNotifications() {}

  /** The flags of {@link #NEEDED} that {@code configured} lacks, in that order; empty if none. */
  public static String missing(String configured) {
    String have = configured.replace("A", "g$lshzxet");
    StringBuilder out = new StringBuilder();
    for (char c : NEEDED.toCharArray()) {
      if (have.indexOf(c) < 0) {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code configured} with the missing flags added, as CONFIG SET takes it. */
  public static String withNeeded(String configured) {
    return configured + missing(configured);
  }

  /**
   * Null when the notify-keyspace-events of the source node at {@code c} cover what --live needs
   * (after adding the missing flags with CONFIG SET, when {@code enable}), else the one line that
   * says what to set.
   *
   * @param notes where a note goes (a refused CONFIG GET, a changed setting)
   */
  public static String ensure(Connection c, RedisUri node, boolean enable, Consumer<String> notes) {
    String flags;
    try {
      c.sendCommand(Protocol.Command.CONFIG, "GET", "notify-keyspace-events");
      flags = configValue(c.getOne());
    } catch (JedisDataException e) {
      // Managed services (ElastiCache) refuse CONFIG: the parameter group is the user's to check.
      notes.accept(
          "note: source "
              + node
              + " refused CONFIG GET notify-keyspace-events ("
              + e.getMessage()
              + "); --live sees changes only if it includes "
              + ADVISED
              + " (on ElastiCache: the parameter group's notify-keyspace-events)");
      return null;
    }
    String missing = missing(flags);
    if (missing.isEmpty()) {
      return null;
    }
    String wanted = withNeeded(flags);
    String advice =
        "source "
            + node
            + " has notify-keyspace-events \""
            + flags
            + "\", which lacks \""
            + missing
            + "\" that scan --live needs: set it to \""
            + ADVISED
            + "\" (redis-cli CONFIG SET notify-keyspace-events "
            + ADVISED
            + "; on ElastiCache, Memorystore or Azure: the parameter group's or instance's"
            + " notify-keyspace-events), or run with --enable-notifications";
    if (!enable) {
      return advice;
    }
    try {
      c.sendCommand(Protocol.Command.CONFIG, "SET", "notify-keyspace-events", wanted);
      String ok = c.getStatusCodeReply();
      if (!"OK".equals(ok)) {
        return advice + " (CONFIG SET answered " + ok + ")";
      }
    } catch (JedisDataException e) {
      return advice.replace(", or run with --enable-notifications", "")
          + " (--enable-notifications: CONFIG SET was refused: "
          + e.getMessage()
          + ")";
    }
    notes.accept("note: set notify-keyspace-events of " + node + " to \"" + wanted + "\"");
    return null;
  }

  /** The value of a one-parameter CONFIG GET reply: a RESP2 list or a RESP3 map. */
  private static String configValue(Object reply) {
    if (reply instanceof JedisDataException e) {
      throw e;
    }
    if (reply instanceof List<?> l && !l.isEmpty()) {
      Object v =
          l.get(0) instanceof Map.Entry<?, ?> e ? e.getValue() : l.size() > 1 ? l.get(1) : null;
      if (v instanceof byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
      }
    }
    if (reply instanceof List<?> l && l.isEmpty()) {
      throw new JedisDataException("CONFIG GET notify-keyspace-events answered an empty list");
    }
    throw new JedisDataException("CONFIG GET notify-keyspace-events answered " + reply);
  }

  /** The PSUBSCRIBE pattern for keys of {@code db} that match {@code match}. */
  static byte[] pattern(int db, byte[] match) {
    byte[] head = ("__keyspace@" + db + "__:").getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(head, head.length + match.length);
    System.arraycopy(match, 0, out, head.length, match.length);
    return out;
  }

  /** The db of a keyspace channel ({@code __keyspace@N__:key}), or -1 when it is not one. */
  static int db(byte[] channel) {
    int end = tail(channel);
    if (end < 0) {
      return -1;
    }
    return Integer.parseInt(
        new String(channel, PREFIX.length, end - PREFIX.length, StandardCharsets.US_ASCII));
  }

  /** The key of a keyspace channel, or null when it is not one. */
  static byte[] key(byte[] channel) {
    int end = tail(channel);
    return end < 0 ? null : Arrays.copyOfRange(channel, end + 3, channel.length);
  }

  /** Index of the "__:" after the db number, or -1. */
  private static int tail(byte[] channel) {
    if (channel.length < PREFIX.length + 4 || !startsWith(channel, PREFIX)) {
      return -1;
    }
    int i = PREFIX.length;
    while (i < channel.length && channel[i] >= '0' && channel[i] <= '9') {
      i++;
    }
    if (i == PREFIX.length || i + 3 > channel.length) {
      return -1;
    }
    return channel[i] == '_' && channel[i + 1] == '_' && channel[i + 2] == ':' ? i : -1;
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
