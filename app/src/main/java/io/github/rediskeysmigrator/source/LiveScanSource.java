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

/**
 * {@code scan --live} on one node: subscribes to the keyspace notifications of the selected dbs,
 * then copies the keyspace with a {@link ScanSource} pass, then re-reads every notified key until
 * stopped (or caught up, with {@code --until-caught-up}).
 *
 * <p>A re-read is handed on as {@code DEL key} followed by the key's new value, or the DEL alone
 * when the key is gone: the key is ours by then, whatever {@code --existing} says, and both travel
 * the one ordered path of the pipeline behind the snapshot, so a key ends with its latest value.
 * Re-reads are pipelined ({@link RereadPipeline}); a big key's re-reads are spaced ({@link
 * RereadSpacing}). When the subscription drops, or the pending set is full and drops notifications,
 * the changes of the gap are unknown: every key of the selection is re-read (a {@link Rescan}).
 */
public final class LiveScanSource implements KeySource {
  private static final byte[] DEL = bytes("DEL");

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

  /**
   * The most the pending set holds: {@code keys} keys and {@code bytes} estimated bytes (names plus
   * a fixed overhead each); past either, notifications are dropped and a rescan follows.
   */
  public record PendingCap(long keys, long bytes) {}

  private final ScanSource firstPass;
  private final Node node;
  private final int batch;
  private final LiveScanGroup group;
  private final RereadSpacing spacing = new RereadSpacing();
  private final PendingKeys pending;
  private Rescan rescan;

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
  // Since notifications were dropped, until a rescan covered every change again.
  private final AtomicBoolean overflowing = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final KeyspaceSubscription subscription;
  private volatile boolean snapshotDone;

  /**
   * @param firstPass the copy of the keyspace, its keys also decoded by it on re-reads
   * @param connector opens a connection to this node (for the subscription and the re-reads)
   * @param batch keys re-read per batch
   * @param pendingCap the pending set's cap
   * @param label the node as messages name it
   */
  public LiveScanSource(
      ScanSource firstPass,
      Reconnector connector,
      List<Integer> dbs,
      byte[] match,
      int batch,
      PendingCap pendingCap,
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
    this.pending = new PendingKeys(pendingCap.keys(), pendingCap.bytes(), spacing);
    this.subscription =
        new KeyspaceSubscription(
            node, pending, group, () -> rescanNeeded.set(true), this::notificationDropped);
    this.rescan = new Rescan(node, pending, group, this.batch, null);
    group.join(this);
  }

  /** After a rescan, also re-reads the keys {@code sweep} finds at the destination. */
  public LiveScanSource sweeping(Sweep sweep) {
    this.rescan = new Rescan(node, pending, group, batch, sweep);
    return this;
  }

  @Override
  public void readInto(KeySink sink) throws SourceException, InterruptedException {
    Thread t = new Thread(subscription::listen, "rkm-live-sub");
    t.setDaemon(true);
    t.start();
    RereadPipeline rereads = new RereadPipeline(firstPass, node, inFlight);
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
      while (!stopped.get()) {
        subscription.failIfLost();
        rescan.failIfFailed();
        if (!rescan.running()) {
          if (rescan.coveredEverything()) {
            overflowing.set(false);
          }
          if (rescanNeeded.getAndSet(false)) {
            rescan.start();
          }
        }
        // Keep several batches in flight: the source works while the last replies are handed on.
        while (rereads.batches() < RereadPipeline.DEPTH) {
          List<PendingKeys.Key> keys = pending.take(batch, group.nowMs());
          if (keys.isEmpty()) {
            break;
          }
          rereads.send(keys);
        }
        if (rereads.batches() > 0) {
          handOn(rereads.next(), sink);
        } else if (!pending.await(100, group::nowMs)
            && subscription.subscribed()
            && !rescanNeeded.get()
            && !rescan.running()
            && group.caughtUp()) {
          return;
        }
      }
    } finally {
      stop();
      rereads.close();
      rescan.stop(5_000);
      t.join(5_000);
    }
  }

  /**
   * The pending set was full: the change is unknown now, so a rescan follows (said once per
   * episode: until a rescan ends with nothing dropped since it started).
   */
  private void notificationDropped() {
    rescanNeeded.set(true);
    if (!overflowing.getAndSet(true)) {
      group.overflowed(node.label());
    }
  }

  /**
   * Hands on what the re-read keys are now: {@code DEL key} and the new value, or the DEL alone.
   */
  private void handOn(RereadPipeline.Replies r, KeySink sink)
      throws SourceException, InterruptedException {
    long now = firstPass.millis();
    long monotonic = group.nowMs();
    int db = r.db();
    for (int i = 0; i < r.keys().size(); i++) {
      byte[] key = r.keys().get(i).name();
      Object dump = r.values().get(2 * i);
      KeyEvent e = firstPass.toEvent(db, key, dump, r.values().get(2 * i + 1), now);
      spacing.reread(db, key, dump instanceof byte[] b ? b.length : 0, monotonic);
      if (e.isGone()) {
        sink.accept(CommandEvent.of(db, new byte[][] {DEL, key}, "", 0));
        group.deletes.incrementAndGet();
      } else {
        sink.accept(CommandEvent.clearing(db, DEL, key));
        sink.accept(e);
        group.updates.incrementAndGet();
        group.bytesReread.addAndGet(dump instanceof byte[] b ? b.length : 0);
      }
    }
    sink.publish();
  }

  boolean snapshotDone() {
    return snapshotDone;
  }

  long lagItems() {
    // While the subscription is down, or a rescan runs, what changed is unknown: not caught up.
    return pending.size()
        + inFlight.get()
        + (subscription.subscribed() && !rescanNeeded.get() && !rescan.running() ? 0 : 1);
  }

  /** Keys waiting to be re-read or being re-read. */
  long pendingKeys() {
    return pending.size() + inFlight.get();
  }

  long oldestAgeMs(long nowMs) {
    return pending.oldestAgeMs(nowMs);
  }

  /** Keys whose re-read waits for {@link RereadSpacing}, and the longest such wait so far. */
  long deferredKeys() {
    return pending.deferredSize();
  }

  long oldestDeferredAgeMs(long nowMs) {
    return pending.oldestDeferredAgeMs(nowMs);
  }

  /** Notifications dropped because the pending set was full. */
  long droppedNotifications() {
    return pending.dropped();
  }

  /** Notifications whose key's re-read had to wait ({@link RereadSpacing}). */
  long deferrals() {
    return pending.deferrals();
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
