package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.sink.Throttle;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Reads a live source the way {@code scan} does (SCAN MATCH COUNT, one db after the other), but
 * without DUMPing keys above the big-key threshold: {@link KeyStateReader} reads each batch's sizes
 * and expiries first, then the DUMP payloads of the small keys only; big keys are digested right
 * here in chunks by {@link ChunkedDigester}. The migration's {@code ScanSource} DUMPs every key,
 * which would hold a whole big key in memory, so it is not reused here.
 */
public final class LiveScanReader implements SourceReader {
  private static final byte[] MATCH = ascii("MATCH");
  private static final byte[] COUNT = ascii("COUNT");
  private static final byte[] START = ascii("0");

  private final ReplyQueue replies;
  private final List<Integer> dbs;
  private final byte[] match;
  private final byte[] count;
  private final KeyStateReader states;
  private final ChunkedDigester chunks;
  private final Throttle throttle;
  private final String label;
  private final AtomicLong keysTotal = new AtomicLong();

  /**
   * @param throttle paces the keys read (--max-rate), so a busy source is not rushed
   * @param label the source as messages name it (no password)
   */
  LiveScanReader(
      ReplyQueue replies,
      List<Integer> dbs,
      byte[] match,
      int count,
      KeyStateReader states,
      ChunkedDigester chunks,
      Throttle throttle,
      String label) {
    this.replies = replies;
    this.dbs = List.copyOf(dbs);
    this.match = match.clone();
    this.count = ascii(Integer.toString(count));
    this.states = states;
    this.chunks = chunks;
    this.throttle = throttle;
    this.label = label;
  }

  /**
   * A reader over {@code dbs} of the source behind {@code conn} (on any db), checking each key's
   * size against {@code config}'s big-key threshold and reading at most {@code config}'s rate.
   *
   * @param label the source as messages name it (no password)
   */
  public static LiveScanReader open(
      Connection conn,
      ServerInfo info,
      List<Integer> dbs,
      byte[] match,
      int scanCount,
      VerifyConfig config,
      Clock clock,
      Sleeper sleeper,
      String label) {
    ReplyQueue replies = new ReplyQueue(conn);
    KeyStateReader states =
        new KeyStateReader(
            replies,
            KeyStateReader.Server.asked("source", replies, info, null),
            config.bigKeyBytes(),
            clock::millis);
    ChunkedDigester chunks = new ChunkedDigester(replies, "source");
    Throttle throttle = new Throttle(config.maxRate(), System::nanoTime, sleeper);
    return new LiveScanReader(replies, dbs, match, scanCount, states, chunks, throttle, label);
  }

  @Override
  public void readInto(BatchQueue queue) throws SourceException, InterruptedException {
    try {
      long total = 0;
      for (int db : dbs) {
        select(db);
        total += (Long) call("DBSIZE", Protocol.Command.DBSIZE);
      }
      keysTotal.set(total);
      for (int db : dbs) {
        select(db);
        scanDb(db, queue);
      }
    } catch (JedisConnectionException e) {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          "source " + label + ": connection lost (" + e.getMessage() + ")",
          e);
    } catch (ServerReadException e) {
      throw new SourceException(
          SourceException.Kind.CONNECTION, "source " + label + ": " + e.getMessage(), e);
    } finally {
      replies.close();
    }
  }

  private void select(int db) throws ServerReadException {
    Object reply = call("SELECT " + db, Protocol.Command.SELECT, ascii(Integer.toString(db)));
    if (!(reply instanceof byte[] b) || !new String(b, StandardCharsets.US_ASCII).equals("OK")) {
      throw new ServerReadException("SELECT " + db + " was not answered OK", null);
    }
  }

  /**
   * Scans one db with two batches in flight: the next SCAN rides with this batch's size and expiry
   * queries, and the next batch's queries go out before this batch's DUMPs are read, so the source
   * always has the next round trip's work queued.
   */
  @SuppressWarnings("unchecked")
  private void scanDb(int db, BatchQueue queue) throws InterruptedException, ServerReadException {
    List<Object> scan =
        (List<Object>) call("SCAN", Protocol.Command.SCAN, START, MATCH, match, COUNT, count);
    List<byte[]> previousKeys = null;
    KeyStateReader.Batch previous = null;
    while (true) {
      byte[] cursor = (byte[]) scan.get(0);
      List<byte[]> keys = (List<byte[]>) scan.get(1);
      boolean last = cursor.length == 1 && cursor[0] == '0';
      for (int i = 0; i < keys.size(); i++) {
        throttle.acquire();
      }
      KeyStateReader.Batch current = states.probe(keys);
      ReplyQueue.Ticket next = null;
      if (!last) {
        replies.send(Protocol.Command.SCAN, cursor, MATCH, match, COUNT, count);
        next = replies.ticket();
      }
      List<KeyState> previousStates = previous == null ? null : states.states(previous);
      states.requestValues(current);
      if (previous != null) {
        emit(db, previousKeys, previousStates, queue);
      }
      previous = current;
      previousKeys = keys;
      if (last) {
        break;
      }
      Object reply = replies.await(next).get(0);
      if (reply instanceof JedisDataException e) {
        throw new ServerReadException("refused SCAN: " + e.getMessage(), e);
      }
      scan = (List<Object>) reply;
    }
    emit(db, previousKeys, states.states(previous), queue);
  }

  /** Digests the big keys of a batch in chunks and hands the batch to the comparer. */
  private void emit(int db, List<byte[]> keys, List<KeyState> read, BatchQueue queue)
      throws InterruptedException {
    if (keys.isEmpty()) {
      return;
    }
    for (int i = 0; i < keys.size(); i++) {
      KeyState s = read.get(i);
      if (s.big()) {
        try {
          s = s.withDigest(chunks.digest(keys.get(i), s.type()));
        } catch (Judge.UnverifiableException e) {
          s = s.withUnreadable(e.getMessage());
        }
      }
      queue.add(new SourceKey(db, keys.get(i), s));
    }
    // A slow source should not leave compared keys waiting in a half-full batch.
    queue.publish();
  }

  private Object call(String what, Protocol.Command command, byte[]... args)
      throws ServerReadException {
    try {
      return replies.call(command, args);
    } catch (JedisDataException e) {
      throw new ServerReadException("refused " + what + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long keysTotal() {
    return keysTotal.get();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
