package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.KeyEvent;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.function.LongSupplier;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.args.Rawable;

/**
 * Sends {@code RESTORE key ttl payload [REPLACE] [ABSTTL]} for one key. The key and payload go to
 * the socket as they are, never copied; the argument arrays are reused from key to key (Jedis reads
 * them only while the command is written), and so is the {@link CommandArguments} Jedis writes
 * from: its own per command (two ArrayLists, grown, and a wrapper per argument) was about a fifth
 * of what the writer allocated per key once the rdb path stopped using Redis Replicator (issue 26).
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
  private final Reused reused = new Reused();

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
      conn.sendCommand(reused.of(a));
    } finally {
      // The arrays must not keep a key's payload alive after it was sent.
      a[0] = null;
      a[2] = null;
      reused.of(null);
    }
  }

  /**
   * The arguments of one RESTORE at a time, as Jedis' {@code Protocol.sendCommand} reads them: the
   * count, then each argument's bytes, through one iterator and one holder reused for every
   * argument (each is written before the next is asked for). Not thread-safe: one writer owns it.
   */
  private static final class Reused extends CommandArguments implements Iterator<Rawable>, Rawable {
    private static final byte[] RESTORE = Protocol.Command.RESTORE.getRaw();
    private byte[][] argv;
    private int next;
    private byte[] current;

    Reused() {
      super(Protocol.Command.RESTORE);
    }

    Reused of(byte[][] argv) {
      this.argv = argv;
      return this;
    }

    @Override
    public int size() {
      return argv.length + 1;
    }

    @Override
    public Iterator<Rawable> iterator() {
      next = -1;
      return this;
    }

    @Override
    public boolean hasNext() {
      return next < argv.length;
    }

    @Override
    public Rawable next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      current = next < 0 ? RESTORE : argv[next];
      next++;
      return this;
    }

    @Override
    public byte[] getRaw() {
      return current;
    }
  }
}
