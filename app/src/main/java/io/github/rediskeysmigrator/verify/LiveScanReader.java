package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.sink.ServerInfo;
import io.github.rediskeysmigrator.sink.Throttle;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
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

  private final Connection conn;
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
      Connection conn,
      List<Integer> dbs,
      String match,
      int count,
      KeyStateReader states,
      ChunkedDigester chunks,
      Throttle throttle,
      String label) {
    this.conn = conn;
    this.dbs = List.copyOf(dbs);
    this.match = match.getBytes(StandardCharsets.UTF_8);
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
      String match,
      int scanCount,
      VerifyConfig config,
      Clock clock,
      Sleeper sleeper,
      String label) {
    KeyStateReader states =
        new KeyStateReader(
            conn,
            info.supportsExpireTime(),
            KeyStateReader.answersMemoryUsage(conn),
            config.bigKeyBytes(),
            clock::millis,
            "source");
    ChunkedDigester chunks =
        new ChunkedDigester(
            conn,
            VerifyConfig.Defaults.CHUNK_ELEMENTS,
            VerifyConfig.Defaults.CHUNK_BYTES,
            "source");
    Throttle throttle = new Throttle(config.maxRate(), System::nanoTime, sleeper);
    return new LiveScanReader(conn, dbs, match, scanCount, states, chunks, throttle, label);
  }

  @Override
  public void readInto(BatchQueue queue) throws SourceException, InterruptedException {
    try {
      long total = 0;
      for (int db : dbs) {
        select(db);
        conn.sendCommand(Protocol.Command.DBSIZE);
        total += (Long) checked(conn.getMany(1).get(0), "DBSIZE");
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
      conn.close();
    }
  }

  private void select(int db) throws ServerReadException {
    conn.sendCommand(Protocol.Command.SELECT, ascii(Integer.toString(db)));
    Object reply = checked(conn.getMany(1).get(0), "SELECT " + db);
    if (!(reply instanceof byte[] b) || !new String(b, StandardCharsets.US_ASCII).equals("OK")) {
      throw new ServerReadException("SELECT " + db + " was not answered OK", null);
    }
  }

  @SuppressWarnings("unchecked")
  private void scanDb(int db, BatchQueue queue) throws InterruptedException, ServerReadException {
    byte[] cursor = START;
    do {
      conn.sendCommand(Protocol.Command.SCAN, cursor, MATCH, match, COUNT, count);
      List<Object> scan = (List<Object>) checked(conn.getMany(1).get(0), "SCAN");
      cursor = (byte[]) scan.get(0);
      List<byte[]> keys = (List<byte[]>) scan.get(1);
      if (keys.isEmpty()) {
        continue;
      }
      for (int i = 0; i < keys.size(); i++) {
        throttle.acquire();
      }
      List<KeyState> read = states.read(keys);
      List<SourceKey> batch = new ArrayList<>(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        KeyState s = read.get(i);
        if (s.big()) {
          try {
            s = s.withDigest(chunks.digest(keys.get(i), s.type()));
          } catch (Judge.UnverifiableException e) {
            s = s.withUnreadable(e.getMessage());
          }
        }
        batch.add(new SourceKey(db, keys.get(i), s));
      }
      for (SourceKey k : batch) {
        queue.add(k);
      }
      // A slow source should not leave compared keys waiting in a half-full batch.
      queue.publish();
    } while (!(cursor.length == 1 && cursor[0] == '0'));
  }

  private static Object checked(Object reply, String command) throws ServerReadException {
    if (reply instanceof JedisDataException e) {
      throw new ServerReadException("refused " + command + ": " + e.getMessage(), e);
    }
    return reply;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  public long bytesTotal() {
    return 0;
  }

  @Override
  public long keysTotal() {
    return keysTotal.get();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
