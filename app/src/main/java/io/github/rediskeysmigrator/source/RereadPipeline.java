package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.redis.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The re-reads of one {@code scan --live} node on a connection of their own: batches of keys are
 * sent as pipelined DUMP and expiry (as the first pass reads them), several batches in flight at
 * once, and their replies come back in the order sent, so a key re-read twice ends with its later
 * value. When the connection drops, the batches whose replies were not read yet are sent again on a
 * new one: nothing of them was handed on.
 *
 * <p>Why several batches: with one batch at a time the source idled while the tool decoded and
 * handed on the last batch, and the tool idled during each round trip.
 */
final class RereadPipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RereadPipeline.class);

  /** Batches sent ahead of the one whose replies are read. */
  static final int DEPTH = 4;

  /** One batch in flight: keys of one db, after a SELECT when {@code selects}. */
  private record Sent(int db, boolean selects, List<PendingKeys.Key> keys) {}

  /** The replies of one batch: two per key (DUMP, then expiry), in the keys' order. */
  record Replies(int db, List<PendingKeys.Key> keys, List<Object> values) {}

  private final ScanSource reader;
  private final LiveScanSource.Node node;
  private final AtomicInteger keysInFlight;
  private final ArrayDeque<Sent> window = new ArrayDeque<>();
  private Connection conn;
  private int connDb = -1;

  /**
   * @param reader sends each key's DUMP and expiry as the first pass does
   * @param keysInFlight counts the keys sent and not yet answered (read by other threads)
   */
  RereadPipeline(ScanSource reader, LiveScanSource.Node node, AtomicInteger keysInFlight) {
    this.reader = reader;
    this.node = node;
    this.keysInFlight = keysInFlight;
  }

  /** Batches sent and not yet read. */
  int batches() {
    return window.size();
  }

  /** Sends the DUMP and expiry of {@code keys} (one batch per run of keys in one db). */
  void send(List<PendingKeys.Key> keys) throws SourceException, InterruptedException {
    if (conn == null) {
      conn = open(null);
    }
    int from = 0;
    while (from < keys.size()) {
      int db = keys.get(from).db();
      int to = from;
      while (to < keys.size() && keys.get(to).db() == db) {
        to++;
      }
      Sent s = new Sent(db, db != connDb, List.copyOf(keys.subList(from, to)));
      window.addLast(s);
      keysInFlight.addAndGet(s.keys().size());
      try {
        write(s);
      } catch (JedisConnectionException e) {
        recover(e);
      }
      from = to;
    }
  }

  /** The replies of the oldest batch in flight. */
  Replies next() throws SourceException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      Sent s = window.getFirst();
      try {
        List<Object> r = conn.getMany(s.keys().size() * 2 + (s.selects() ? 1 : 0));
        if (s.selects()) {
          Object ok = r.get(0);
          if (!(ok instanceof byte[] b && "OK".equals(new String(b, StandardCharsets.UTF_8)))) {
            throw new SourceException(
                SourceException.Kind.CONNECTION,
                "source " + node.label() + " refused SELECT " + s.db() + ": " + ok,
                null);
          }
          r = r.subList(1, r.size());
        }
        window.removeFirst();
        keysInFlight.addAndGet(-s.keys().size());
        return new Replies(s.db(), s.keys(), r);
      } catch (JedisConnectionException e) {
        if (attempt >= node.retries()) {
          throw lost(e);
        }
        recover(e);
      }
    }
  }

  private void write(Sent s) {
    if (s.selects()) {
      conn.sendCommand(Protocol.Command.SELECT, Integer.toString(s.db()));
      connDb = s.db();
    }
    reader.sendDumpAndExpiry(conn, s.keys());
  }

  /** A new connection after {@code e}, every batch in flight sent again on it. */
  private void recover(JedisConnectionException e) throws SourceException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      if (attempt >= node.retries()) {
        throw lost(e);
      }
      close();
      node.pause(attempt + 1);
      conn = open(e);
      connDb = -1;
      List<Sent> again = new ArrayList<>(window);
      window.clear();
      try {
        for (Sent s : again) {
          Sent resent = new Sent(s.db(), s.db() != connDb, s.keys());
          window.addLast(resent);
          write(resent);
        }
        return;
      } catch (JedisConnectionException next) {
        e.addSuppressed(next);
        // The batches not re-sent yet are still ours: keep them, in order, for the next try.
        for (int i = window.size(); i < again.size(); i++) {
          window.addLast(again.get(i));
        }
      }
    }
  }

  private Connection open(Exception cause) throws SourceException, InterruptedException {
    Exception last = cause;
    for (int attempt = 0; attempt <= node.retries(); attempt++) {
      if (attempt > 0) {
        node.pause(attempt);
      }
      try {
        return node.connector().connect();
      } catch (ConnectException | JedisConnectionException e) {
        last = e;
      }
    }
    throw new SourceException(
        SourceException.Kind.CONNECTION,
        "source "
            + node.label()
            + ": cannot connect to re-read changed keys ("
            + last.getMessage()
            + ")",
        last);
  }

  private SourceException lost(JedisConnectionException e) {
    return new SourceException(
        SourceException.Kind.CONNECTION,
        "source "
            + node.label()
            + ": connection lost while re-reading changed keys ("
            + e.getMessage()
            + ")",
        e);
  }

  @Override
  public void close() {
    Connection c = conn;
    conn = null;
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (JedisConnectionException e) {
      if (!c.isBroken()) {
        throw e;
      }
      // Broken already, and that failure was raised where it broke: closing flushes the leftover
      // buffer into the dead socket, which Jedis closes all the same.
      log.debug("closing a broken re-read connection", e);
    }
  }
}
