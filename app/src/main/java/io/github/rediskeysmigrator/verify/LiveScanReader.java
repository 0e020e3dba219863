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

  private final Node source;
  private final List<Integer> dbs;
  private final byte[] match;
  private final byte[] count;
  private final Throttle throttle;
  private final AtomicLong keysTotal = new AtomicLong();

  /**
   * @param source the source's readers; its address is the source as messages name it (no password)
   * @param throttle paces the keys read (--max-rate), so a busy source is not rushed
   */
  private LiveScanReader(
      Node source, List<Integer> dbs, byte[] match, int count, Throttle throttle) {
    this.source = source;
    this.dbs = List.copyOf(dbs);
    this.match = match.clone();
    this.count = ascii(Integer.toString(count));
    this.throttle = throttle;
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
    Node source = Node.open("source", label, conn, info, null, config.bigKeyBytes(), clock::millis);
    Throttle throttle = new Throttle(config.maxRate(), System::nanoTime, sleeper);
    return new LiveScanReader(source, dbs, match, scanCount, throttle);
  }

  @Override
  public void readInto(BatchQueue queue) throws SourceException, InterruptedException {
    try {
      keysTotal.set(keyCount());
      for (int db : dbs) {
        scanDb(db, queue);
      }
    } catch (JedisConnectionException e) {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          "source " + source.address() + ": connection lost (" + e.getMessage() + ")",
          e);
    } catch (ServerReadException e) {
      throw new SourceException(
          SourceException.Kind.CONNECTION, "source " + source.address() + ": " + e.getMessage(), e);
    } finally {
      source.replies().close();
    }
  }

  /** The keys of the selected dbs (their DBSIZE), for the progress line's total. */
  private long keyCount() throws ServerReadException {
    long total = 0;
    for (int db : dbs) {
      select(db);
      total += (Long) call("DBSIZE", Protocol.Command.DBSIZE);
    }
    return total;
  }

  private void select(int db) throws ServerReadException {
    Object reply = call("SELECT " + db, Protocol.Command.SELECT, ascii(Integer.toString(db)));
    if (!(reply instanceof byte[] b) || !new String(b, StandardCharsets.US_ASCII).equals("OK")) {
      throw new ServerReadException("SELECT " + db + " was not answered OK", null);
    }
  }

  /**
   * Selects and scans one db with two batches in flight: the next SCAN rides with this batch's size
   * and expiry queries, and the next batch's queries go out before this batch's DUMPs are read, so
   * the source always has the next round trip's work queued.
   */
  @SuppressWarnings("unchecked")
  private void scanDb(int db, BatchQueue queue) throws InterruptedException, ServerReadException {
    select(db);
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
      KeyStateReader.Batch current = source.states().probe(keys);
      ReplyQueue.Ticket next = null;
      if (!last) {
        source.replies().send(Protocol.Command.SCAN, cursor, MATCH, match, COUNT, count);
        next = source.replies().ticket();
      }
      List<KeyState> previousStates = previous == null ? null : source.states().states(previous);
      source.states().requestValues(current);
      if (previous != null) {
        emit(db, previousKeys, previousStates, queue);
      }
      previous = current;
      previousKeys = keys;
      if (last) {
        break;
      }
      Object reply = source.replies().await(next).get(0);
      if (reply instanceof JedisDataException e) {
        throw new ServerReadException("refused SCAN: " + e.getMessage(), e);
      }
      scan = (List<Object>) reply;
    }
    emit(db, previousKeys, source.states().states(previous), queue);
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
          s = s.withDigest(source.chunks().digest(keys.get(i), s.type()));
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
      return source.replies().call(command, args);
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
