package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.WriteException;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The one connection a pipelined writer writes over, and the db it is on; replaced by a fresh one
 * when {@link Recovery} reconnects. A lost connection surfaces as {@link JedisConnectionException}
 * for the writer to recover from; an error reply becomes a {@link WriteException}.
 */
final class DestinationConnection {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(DestinationConnection.class);

  private final int initialDb;
  private Connection conn;
  private int db;
  private boolean closed;

  DestinationConnection(Connection conn, int initialDb) {
    this.conn = conn;
    this.initialDb = initialDb;
    this.db = initialDb;
  }

  Connection get() {
    return conn;
  }

  /** The db the connection is on (in a transaction: the db its queued commands run in). */
  int db() {
    return db;
  }

  /** A SELECT went into the pipeline or transaction: the commands after it run in {@code db}. */
  void onDb(int selected) {
    db = selected;
  }

  /** Switches to {@code target} with a synchronous SELECT; nothing may be in flight. */
  void select(int target) throws WriteException {
    try {
      conn.sendCommand(Protocol.Command.SELECT, Replies.ascii(target));
      String reply = conn.getStatusCodeReply();
      if (!"OK".equals(reply)) {
        throw new WriteException("unexpected reply to SELECT " + target + ": " + reply, null);
      }
      db = target;
    } catch (JedisDataException e) {
      throw new WriteException(
          "the destination refused SELECT "
              + target
              + " ("
              + e.getMessage()
              + "); map the source db elsewhere with --db-map or --to .../DB",
          e);
    }
  }

  /** Releases the broken connection before a new one is opened. */
  void closeBroken(JedisConnectionException cause) {
    try {
      conn.close();
    } catch (JedisConnectionException e) {
      // Closing flushes, which fails on the broken socket; the socket is released anyway.
      cause.addSuppressed(e);
    }
  }

  /** A new connection replaces the broken one; it starts on the initial db. */
  void use(Connection fresh) {
    conn = fresh;
    db = initialDb;
  }

  void close() {
    if (!closed) {
      closed = true;
      try {
        conn.close();
      } catch (JedisConnectionException e) {
        // Everything was flushed and booked before close; a dead socket has nothing to lose.
        log.debug("closing the destination connection failed", e);
      }
    }
  }
}
