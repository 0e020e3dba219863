package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.KeyEvent;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;

/**
 * Sends {@code RESTORE key ttl payload [REPLACE] [ABSTTL]} for one key. The key and payload go to
 * the socket as they are, never copied; the argument arrays are reused from key to key (Jedis reads
 * them only while the command is written).
 */
final class RestoreCommand {
  private static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ABSTTL = "ABSTTL".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ZERO = {'0'};

  private final boolean replace;
  private final boolean absTtl;
  private final LongSupplier wallClockMillis;
  // By number of arguments: key ttl payload, then REPLACE and ABSTTL when they apply.
  private final byte[][][] args = {null, null, null, new byte[3][], new byte[4][], new byte[5][]};

  RestoreCommand(boolean replace, boolean absTtl, LongSupplier wallClockMillis) {
    this.replace = replace;
    this.absTtl = absTtl;
    this.wallClockMillis = wallClockMillis;
  }

  /** Writes {@code event}'s RESTORE into the connection's output buffer. */
  void send(Connection conn, KeyEvent event) {
    boolean abs = absTtl && event.hasExpiry();
    byte[] ttl;
    if (!event.hasExpiry()) {
      ttl = ZERO;
    } else if (abs) {
      ttl = Replies.ascii(event.expireAtMs());
    } else {
      // Redis before 5.0 takes a relative TTL only; the filter already dropped expired keys.
      ttl = Replies.ascii(Math.max(1, event.expireAtMs() - wallClockMillis.getAsLong()));
    }
    byte[][] a = args[3 + (replace ? 1 : 0) + (abs ? 1 : 0)];
    a[0] = event.key();
    a[1] = ttl;
    a[2] = event.payload();
    int i = 3;
    if (replace) {
      a[i++] = REPLACE;
    }
    if (abs) {
      a[i] = ABSTTL;
    }
    try {
      conn.sendCommand(Protocol.Command.RESTORE, a);
    } finally {
      // The arrays must not keep a key's payload alive after it was sent.
      a[0] = null;
      a[2] = null;
    }
  }
}
