package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeySink;
import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.PayloadFile;
import io.github.rediskeysmigrator.core.ReadPoint;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.rdb.RdbTypes;
import io.github.rediskeysmigrator.redis.Backoff;
import io.github.rediskeysmigrator.redis.Reconnector;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Reads a live source with SCAN, the way the original script did, but with one pipelined round trip
 * per batch: the DUMP and expiry of every key SCAN returned, plus the next SCAN call. A key that
 * SCAN listed but DUMP no longer finds (deleted or expired meanwhile) is handed on as gone.
 */
public final class ScanSource implements KeySource {
  private static final byte[] MATCH = bytes("MATCH");
  private static final byte[] COUNT = bytes("COUNT");
  private static final byte[] START = bytes("0");
  private static final ProtocolCommand PEXPIRETIME = () -> bytes("PEXPIRETIME");

  private Connection conn;
  private String runId;
  private Reconnector reconnector;
  private int retries;
  private long retryBackoffMillis;
  private long bigKeyThreshold = Long.MAX_VALUE;
  private io.github.rediskeysmigrator.core.Sleeper sleeper =
      io.github.rediskeysmigrator.core.Sleeper.SYSTEM;
  private final List<Integer> dbs;
  private final byte[] match;
  private final byte[] count;
  private final boolean absoluteExpiry;
  private final Clock clock;
  private final String label;
  private final AtomicLong keysTotal = new AtomicLong();
  // With --checkpoint: where the runs before left this master, and its read points.
  private ScanPoints points = new ScanPoints(null, null);
  // Keys listed by SCAN so far, by this run and the runs it resumes.
  private long keysListed;

  /**
   * A source over {@code dbs} of the server behind {@code conn}.
   *
   * @param absoluteExpiry whether the server has PEXPIRETIME (Redis 7.0+): exact absolute expiry;
   *     otherwise PTTL is added to the local clock when the reply arrives
   * @param label the source as messages name it (no password)
   */
  public ScanSource(
      Connection conn,
      List<Integer> dbs,
      byte[] match,
      int count,
      boolean absoluteExpiry,
      Clock clock,
      String label) {
    this.conn = conn;
    this.dbs = List.copyOf(dbs);
    this.match = match.clone();
    this.count = bytes(Integer.toString(count));
    this.absoluteExpiry = absoluteExpiry;
    this.clock = clock;
    this.label = label;
  }

  /**
   * Hands over a {@link ReadPoint} named {@code stream} after each batch and starts where {@code
   * from} says, or from the start when it is null ({@link ScanPoints}).
   */
  public ScanSource checkpointed(String stream, ReadPoint from) {
    this.points = new ScanPoints(stream, from);
    return this;
  }

  @Override
  public void readInto(KeySink sink) throws SourceException, InterruptedException {
    try {
      runId = runId();
      if (points.done()) {
        points.handDone(sink);
        return;
      }
      ScanPoints.Start start = points.start(runId, dbs, label);
      keysListed = start.keys();
      long total = 0;
      for (int db : dbs) {
        select(db);
        conn.sendCommand(Protocol.Command.DBSIZE);
        total += conn.getIntegerReply();
      }
      keysTotal.set(total);
      for (int i = start.dbIndex(); i < dbs.size(); i++) {
        int db = dbs.get(i);
        select(db);
        scanDb(db, sink, i == start.dbIndex() ? start.cursor() : START);
        points.dbDone(sink, keysListed, runId, dbs, i);
      }
    } catch (SourceRestarted e) {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          "source "
              + label
              + " restarted during the scan, so its SCAN cursor no longer holds; run scan again"
              + " (keys already written are skipped as existing)",
          e);
    } catch (JedisConnectionException e) {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          "source " + label + ": connection lost (" + e.getMessage() + ")",
          e);
    } catch (JedisDataException e) {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          "source " + label + " refused a command: " + e.getMessage(),
          e);
    } finally {
      conn.close();
    }
  }

  private void select(int db) {
    select(conn, db);
  }

  /** SELECT {@code db} on {@code c}, its reply checked. */
  static void select(Connection c, int db) {
    c.sendCommand(Protocol.Command.SELECT, bytes(Integer.toString(db)));
    String reply = c.getStatusCodeReply();
    if (!"OK".equals(reply)) {
      throw new JedisDataException("SELECT " + db + " answered " + reply);
    }
  }

  @SuppressWarnings("unchecked")
  private void scanDb(int db, KeySink sink, byte[] start)
      throws InterruptedException, SourceException {
    List<Object> scan = roundTrip(db, List.of(), start, false).scan();
    while (true) {
      byte[] cursor = (byte[]) scan.get(0);
      List<byte[]> keys = (List<byte[]>) scan.get(1);
      boolean last = ScanPoints.isStart(cursor);
      Batch batch = roundTrip(db, keys, cursor, last);
      List<Object> replies = batch.replies();
      long now = clock.millis();
      List<KeyEvent> events = new ArrayList<>(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        events.add(toEvent(db, keys.get(i), replies.get(2 * i), replies.get(2 * i + 1), now));
      }
      for (KeyEvent e : events) {
        sink.accept(e);
      }
      keysListed += events.size();
      if (last) {
        return;
      }
      points.batchDone(sink, keysListed, runId, db, cursor);
      scan = batch.scan();
    }
  }

  /** The replies of one round trip: values of a batch, and the next SCAN's reply. */
  private record Batch(List<Object> replies, List<Object> scan) {}

  /**
   * Sends the DUMP and expiry of {@code keys} and, unless {@code last}, the SCAN from {@code
   * cursor}, in one round trip. When the connection drops, reconnects with backoff and sends the
   * same round trip again: SCAN from the same cursor returns the same batch, so nothing is skipped.
   */
  @SuppressWarnings("unchecked")
  private Batch roundTrip(int db, List<byte[]> keys, byte[] cursor, boolean last)
      throws InterruptedException, SourceException {
    JedisConnectionException lost = null;
    boolean connected = true;
    for (int attempt = 0; ; attempt++) {
      if (connected) {
        try {
          send(keys, cursor, last);
          List<Object> replies = conn.getMany(keys.size() * 2 + (last ? 0 : 1));
          Object next = last ? null : replies.get(replies.size() - 1);
          if (next instanceof JedisDataException e) {
            throw e;
          }
          return new Batch(replies, (List<Object>) next);
        } catch (JedisConnectionException e) {
          lost = e;
        }
      }
      if (reconnector == null || attempt >= retries) {
        throw lost;
      }
      sleeper.sleep(Backoff.millis(retryBackoffMillis, attempt + 1));
      connected = reconnect(db, lost);
    }
  }

  /**
   * A fresh connection on {@code db}, or false when the source is still unreachable. The broken
   * connection is never used again: Jedis would reopen its socket by itself, without AUTH or
   * SELECT, and SCAN db 0.
   */
  private boolean reconnect(int db, JedisConnectionException cause) {
    try {
      conn.close();
    } catch (JedisConnectionException e) {
      cause.addSuppressed(e);
    }
    try {
      conn = reconnector.connect();
    } catch (io.github.rediskeysmigrator.redis.ConnectException | JedisConnectionException e) {
      // The next attempt tries again; the last one's failure is what the user sees.
      cause.addSuppressed(e);
      return false;
    }
    try {
      if (!runId().equals(runId)) {
        // A restarted server has new hash-table seeds: a SCAN cursor from before means nothing.
        throw new SourceRestarted();
      }
      select(db);
    } catch (JedisConnectionException e) {
      cause.addSuppressed(e);
      return false;
    }
    return true;
  }

  /** The source restarted while we scanned it. */
  private static final class SourceRestarted extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private String runId() {
    conn.sendCommand(Protocol.Command.INFO, "server");
    for (String line : conn.getBulkReply().split("\r?\n")) {
      if (line.startsWith("run_id:")) {
        return line.substring("run_id:".length()).trim();
      }
    }
    return "";
  }

  private void send(List<byte[]> keys, byte[] cursor, boolean last) {
    for (byte[] key : keys) {
      conn.sendCommand(Protocol.Command.DUMP, key);
      if (absoluteExpiry) {
        conn.sendCommand(PEXPIRETIME, key);
      } else {
        conn.sendCommand(Protocol.Command.PTTL, key);
      }
    }
    if (!last) {
      // The next SCAN rides in the same round trip as this batch's values.
      sendScan(cursor);
    }
  }

  private void sendScan(byte[] cursor) {
    conn.sendCommand(Protocol.Command.SCAN, cursor, MATCH, match, COUNT, count);
  }

  /**
   * Sends the DUMP and expiry of each key on {@code c}, pipelined, without reading the replies (two
   * per key).
   */
  void sendDumpAndExpiry(Connection c, List<PendingKeys.Key> keys) {
    for (PendingKeys.Key k : keys) {
      c.sendCommand(Protocol.Command.DUMP, k.name());
      if (absoluteExpiry) {
        c.sendCommand(PEXPIRETIME, k.name());
      } else {
        c.sendCommand(Protocol.Command.PTTL, k.name());
      }
    }
  }

  /** The wall clock, in milliseconds, that relative expiries are added to. */
  long millis() {
    return clock.millis();
  }

  KeyEvent toEvent(int db, byte[] key, Object dump, Object ttl, long now) throws SourceException {
    if (dump instanceof JedisDataException e) {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          "source " + label + " refused DUMP: " + e.getMessage(),
          e);
    }
    if (ttl instanceof JedisDataException e) {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          "source "
              + label
              + " refused "
              + (absoluteExpiry ? "PEXPIRETIME" : "PTTL")
              + ": "
              + e.getMessage(),
          e);
    }
    long t = (Long) ttl;
    if (dump == null || t == -2) {
      // Deleted or expired between SCAN and DUMP, or between DUMP and the expiry query.
      return KeyEvent.gone(db, key);
    }
    byte[] payload = (byte[]) dump;
    long expireAt;
    if (t == -1) {
      expireAt = KeyEvent.NO_EXPIRY;
    } else if (absoluteExpiry) {
      expireAt = t;
    } else {
      expireAt = now + t;
    }
    KeyType type = RdbTypes.keyType(payload[0] & 0xff);
    if (payload.length > bigKeyThreshold) {
      // Written in chunks (PipelinedWriter's rewrite), not kept in memory while it waits.
      return KeyEvent.inFile(db, key, type, expireAt, PayloadFile.of(payload));
    }
    return KeyEvent.of(db, key, type, expireAt, payload);
  }

  /** DUMP payloads larger than {@code bytes} are written in chunks from a temporary file. */
  public ScanSource bigKeyThreshold(long bytes) {
    this.bigKeyThreshold = bytes;
    return this;
  }

  /**
   * Reconnects with {@code reconnector} when the source connection drops, up to {@code retries}
   * times, waiting {@code backoffMillis} times the attempt number (at most 10 s) before each.
   */
  public ScanSource reconnecting(
      Reconnector reconnector,
      int retries,
      long backoffMillis,
      io.github.rediskeysmigrator.core.Sleeper sleeper) {
    this.reconnector = reconnector;
    this.retries = retries;
    this.retryBackoffMillis = backoffMillis;
    this.sleeper = sleeper;
    return this;
  }

  @Override
  public long keysTotal() {
    return keysTotal.get();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
