package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.redis.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A rescan of one {@code scan --live} node, on a thread and a connection of its own: every key of
 * the selection (SCAN), then the destination's keys of the selection (the sweep, which finds keys
 * deleted at the source), go into the pending set at the pace the re-reads take them out: the set
 * never holds more than half its cap because of a rescan, so memory stays bounded whatever the size
 * of the keyspace. Needed when the changes of a while are unknown: after a lost subscription, or
 * after the pending set was full and notifications were dropped.
 */
final class Rescan {
  private static final byte[] MATCH = "MATCH".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);

  private final LiveScanSource.Node node;
  private final PendingKeys pending;
  private final LiveScanGroup group;
  private final byte[] count;
  private final LiveScanSource.Sweep sweep;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile Thread thread;
  private volatile Exception failure;
  private long droppedAtStart;

  /**
   * @param sweep lists the destination's keys, or null not to look there
   */
  Rescan(
      LiveScanSource.Node node,
      PendingKeys pending,
      LiveScanGroup group,
      int count,
      LiveScanSource.Sweep sweep) {
    this.node = node;
    this.pending = pending;
    this.group = group;
    this.count = Integer.toString(count).getBytes(StandardCharsets.US_ASCII);
    this.sweep = sweep;
  }

  /** Starts a rescan (counted in the report's {@code rescans}). */
  void start() {
    group.rescans.incrementAndGet();
    droppedAtStart = pending.dropped();
    Thread t = new Thread(this::run, "rkm-live-rescan");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /** Whether a rescan is under way. */
  boolean running() {
    Thread t = thread;
    return t != null && t.isAlive();
  }

  /**
   * Whether the last rescan has ended and no notification was dropped since it started: the pending
   * set covers every change again.
   */
  boolean coveredEverything() {
    return thread != null && !running() && failure == null && pending.dropped() == droppedAtStart;
  }

  /** Rethrows what ended a rescan early. */
  void failIfFailed() throws SourceException {
    Exception e = failure;
    if (e instanceof SourceException s) {
      throw s;
    }
    if (e != null) {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          "source " + node.label() + ": rescan failed (" + e.getMessage() + ")",
          e);
    }
  }

  /** Ends a rescan under way, waiting up to {@code millis} for its thread. */
  void stop(long millis) throws InterruptedException {
    stopped.set(true);
    pending.wake();
    Thread t = thread;
    if (t != null) {
      t.join(millis);
    }
  }

  private void run() {
    try {
      scanSource();
      sweep();
    } catch (Stopped e) {
      // Asked to stop: nothing to report.
    } catch (SourceException | RuntimeException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @SuppressWarnings("unchecked")
  private void scanSource() throws SourceException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      try (Connection conn = node.connector().connect()) {
        // From the start after a drop: simple, and a restarted server's cursors mean nothing.
        for (int db : node.dbs()) {
          ScanSource.select(conn, db);
          byte[] cursor = {'0'};
          do {
            conn.sendCommand(Protocol.Command.SCAN, cursor, MATCH, node.match(), COUNT, count);
            List<Object> reply = (List<Object>) conn.getOne();
            cursor = (byte[]) reply.get(0);
            for (byte[] key : (List<byte[]>) reply.get(1)) {
              put(db, key);
            }
          } while (!ScanPoints.isStart(cursor));
        }
        return;
      } catch (ConnectException | JedisConnectionException e) {
        if (attempt >= node.retries()) {
          throw new SourceException(
              SourceException.Kind.CONNECTION,
              "source "
                  + node.label()
                  + ": connection lost during a rescan ("
                  + e.getMessage()
                  + ")",
              e);
        }
        node.pause(attempt + 1);
      }
    }
  }

  /**
   * Keys at the destination whose source key is gone (deleted during the gap, or a dropped
   * notification) are re-read too: the re-read finds them gone and deletes them.
   */
  private void sweep() throws SourceException {
    if (sweep == null) {
      return;
    }
    for (int db : node.dbs()) {
      try {
        sweep.forEachKey(db, key -> put(db, key));
      } catch (ConnectException | JedisConnectionException e) {
        throw new SourceException(
            SourceException.Kind.CONNECTION,
            "destination: cannot list its keys for a rescan (" + e.getMessage() + ")",
            e);
      }
    }
  }

  private void put(int db, byte[] key) {
    try {
      if (!pending.put(db, key, group.nowMs(), stopped::get)) {
        throw new Stopped();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stopped();
    }
  }

  /** The rescan was asked to stop (or interrupted) while it waited for room. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }
}
