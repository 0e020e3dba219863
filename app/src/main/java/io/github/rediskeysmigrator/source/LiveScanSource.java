package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeySink;
import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.redis.Backoff;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.Reconnector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * {@code scan --live} on one node: subscribes to the keyspace notifications of the selected dbs,
 * then copies the keyspace with a {@link ScanSource} pass, then re-reads every notified key until
 * stopped (or caught up, with {@code --until-caught-up}).
 *
 * <p>A re-read is handed on as {@code DEL key} followed by the key's new value, or the DEL alone
 * when the key is gone: the key is ours by then, whatever {@code --existing} says, and both travel
 * the one ordered path of the pipeline behind the snapshot, so a key ends with its latest value.
 * When the subscription drops, the changes of the gap are unknown: after it is back, every key of
 * the selection is re-read (a rescan).
 */
public final class LiveScanSource implements KeySource {
  private static final byte[] DEL = bytes("DEL");
  private static final byte[] MATCH = bytes("MATCH");
  private static final byte[] COUNT = bytes("COUNT");

  /**
   * The node a live scan reads: how to connect to it (with {@code retries} reconnects, paced by the
   * backoff rule from {@code backoffMs}), the dbs and MATCH pattern of the selection, and its name
   * in messages.
   */
  record Node(
      Reconnector connector,
      List<Integer> dbs,
      byte[] match,
      int retries,
      long backoffMs,
      Sleeper sleeper,
      String label) {
    /** Waits before reconnect attempt {@code attempt} (from 1), by the backoff rule. */
    void pause(int attempt) throws InterruptedException {
      sleeper.sleep(Backoff.millis(backoffMs, attempt));
    }
  }

  private final ScanSource firstPass;
  private final Node node;
  private final int batch;
  private final LiveScanGroup group;
  private final PendingKeys pending = new PendingKeys();
  private Sweep sweep;

  /**
   * Lists the keys the destination holds for one source db, by their source names (inside the
   * selection), so that keys deleted at the source while the subscription was down are found.
   */
  @FunctionalInterface
  public interface Sweep {
    /** Hands the source name of every destination key of {@code sourceDb}'s selection on. */
    void forEachKey(int sourceDb, java.util.function.Consumer<byte[]> sourceName)
        throws ConnectException;
  }

  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicBoolean rescanNeeded = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final KeyspaceSubscription subscription;
  private volatile boolean snapshotDone;

  /**
   * @param firstPass the copy of the keyspace, its keys also decoded by it on re-reads
   * @param connector opens a connection to this node (for the subscription and the re-reads)
   * @param batch keys re-read per round trip
   * @param label the node as messages name it
   */
  public LiveScanSource(
      ScanSource firstPass,
      Reconnector connector,
      List<Integer> dbs,
      byte[] match,
      int batch,
      int retries,
      long backoffMs,
      Sleeper sleeper,
      String label,
      LiveScanGroup group) {
    this.firstPass = firstPass;
    this.node =
        new Node(connector, List.copyOf(dbs), match.clone(), retries, backoffMs, sleeper, label);
    this.batch = Math.max(1, batch);
    this.group = group;
    this.subscription =
        new KeyspaceSubscription(node, pending, group, () -> rescanNeeded.set(true));
    group.join(this);
  }

  /** After a rescan, also re-reads the keys {@code sweep} finds at the destination. */
  public LiveScanSource sweeping(Sweep sweep) {
    this.sweep = sweep;
    return this;
  }

  @Override
  public void readInto(KeySink sink) throws SourceException, InterruptedException {
    Thread t = new Thread(subscription::listen, "rkm-live-sub");
    t.setDaemon(true);
    t.start();
    Connection reread = null;
    try {
      // Changes made while the snapshot runs must not be missed: listen first.
      while (!subscription.awaitFirst(100)) {
        subscription.failIfLost();
        if (stopped.get()) {
          return;
        }
      }
      firstPass.readInto(sink);
      sink.publish();
      snapshotDone = true;
      reread = open();
      while (!stopped.get()) {
        subscription.failIfLost();
        if (rescanNeeded.getAndSet(false)) {
          reread = rescan(reread);
        }
        if (pending.await(100)) {
          reread = reread(reread, pending.take(batch), sink);
        } else if (subscription.subscribed() && !rescanNeeded.get() && group.caughtUp()) {
          return;
        }
      }
    } finally {
      stop();
      if (reread != null) {
        reread.close();
      }
      t.join(5_000);
    }
  }

  private Connection open() throws SourceException, InterruptedException {
    Exception last = null;
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

  /** Puts every key of the selection into the pending set (after a lost subscription). */
  @SuppressWarnings("unchecked")
  private Connection rescan(Connection conn) throws SourceException, InterruptedException {
    group.rescans.incrementAndGet();
    inFlight.incrementAndGet();
    try {
      for (int attempt = 0; ; attempt++) {
        try {
          for (int db : node.dbs()) {
            ScanSource.select(conn, db);
            byte[] cursor = bytes("0");
            do {
              conn.sendCommand(
                  Protocol.Command.SCAN,
                  cursor,
                  MATCH,
                  node.match(),
                  COUNT,
                  bytes(Integer.toString(batch)));
              List<Object> reply = (List<Object>) conn.getOne();
              cursor = (byte[]) reply.get(0);
              long now = group.nowMs();
              for (byte[] key : (List<byte[]>) reply.get(1)) {
                pending.add(db, key, now);
              }
            } while (!(cursor.length == 1 && cursor[0] == '0'));
          }
          sweep();
          return conn;
        } catch (JedisConnectionException e) {
          conn = replace(conn, attempt, e);
        }
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /**
   * Keys at the destination whose source key is gone (deleted during the gap) are re-read too: the
   * re-read finds them gone and deletes them.
   */
  private void sweep() throws SourceException {
    if (sweep == null) {
      return;
    }
    for (int db : node.dbs()) {
      try {
        sweep.forEachKey(db, key -> pending.add(db, key, group.nowMs()));
      } catch (ConnectException | JedisConnectionException e) {
        throw new SourceException(
            SourceException.Kind.CONNECTION,
            "destination: cannot list its keys after a lost subscription (" + e.getMessage() + ")",
            e);
      }
    }
  }

  /** Re-reads {@code keys} (DUMP and expiry in one round trip) and hands on what they are now. */
  private Connection reread(Connection conn, List<PendingKeys.Key> keys, KeySink sink)
      throws SourceException, InterruptedException {
    inFlight.addAndGet(keys.size());
    try {
      for (int attempt = 0; ; attempt++) {
        try {
          int from = 0;
          while (from < keys.size()) {
            int db = keys.get(from).db();
            int to = from;
            while (to < keys.size() && keys.get(to).db() == db) {
              to++;
            }
            List<PendingKeys.Key> run = keys.subList(from, to);
            ScanSource.select(conn, db);
            List<Object> replies = firstPass.dumpAndExpiry(conn, run);
            long now = firstPass.millis();
            for (int i = 0; i < run.size(); i++) {
              byte[] key = run.get(i).name();
              KeyEvent e =
                  firstPass.toEvent(db, key, replies.get(2 * i), replies.get(2 * i + 1), now);
              if (e.isGone()) {
                sink.accept(CommandEvent.of(db, new byte[][] {DEL, key}, "", 0));
                group.deletes.incrementAndGet();
              } else {
                sink.accept(CommandEvent.clearing(db, DEL, key));
                sink.accept(e);
                group.updates.incrementAndGet();
              }
            }
            from = to;
          }
          sink.publish();
          return conn;
        } catch (JedisConnectionException e) {
          // Nothing of this batch was handed on yet: read it again on a new connection.
          conn = replace(conn, attempt, e);
        }
      }
    } finally {
      inFlight.addAndGet(-keys.size());
    }
  }

  /** A new connection after {@code broken} dropped on try {@code attempt}, or the failure. */
  private Connection replace(Connection broken, int attempt, JedisConnectionException e)
      throws SourceException, InterruptedException {
    broken.close();
    if (attempt >= node.retries()) {
      throw lost(e);
    }
    node.pause(attempt + 1);
    return open();
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

  boolean snapshotDone() {
    return snapshotDone;
  }

  long lagItems() {
    // While the subscription is down, what changed is unknown: not caught up.
    return pending.size()
        + inFlight.get()
        + (subscription.subscribed() && !rescanNeeded.get() ? 0 : 1);
  }

  /** Keys waiting to be re-read or being re-read. */
  long pendingKeys() {
    return pending.size() + inFlight.get();
  }

  long oldestAgeMs(long nowMs) {
    return pending.oldestAgeMs(nowMs);
  }

  @Override
  public void stop() {
    if (stopped.getAndSet(true)) {
      return;
    }
    subscription.stop();
    pending.wake();
  }

  @Override
  public long keysTotal() {
    return firstPass.keysTotal();
  }

  @Override
  public String progress() {
    return group.speaks(this) ? group.describe() : "";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
