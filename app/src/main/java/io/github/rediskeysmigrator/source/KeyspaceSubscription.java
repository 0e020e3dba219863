package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.redis.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The keyspace-notification subscription of one {@link LiveScanSource}: PSUBSCRIBEs to the selected
 * dbs on its own thread, puts every notified key into the pending set, and subscribes again (with
 * the backoff rule) when the connection drops, telling its source that the gap's changes are
 * unknown.
 */
final class KeyspaceSubscription {
  private final LiveScanSource.Node node;
  private final PendingKeys pending;
  private final LiveScanGroup group;
  private final Runnable onResubscribed;
  private final Runnable onDropped;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch subscribedOnce = new CountDownLatch(1);
  private volatile boolean subscribed;
  private volatile Connection connection;
  private volatile Exception failure;

  /**
   * @param onResubscribed told when the subscription is back after a drop
   * @param onDropped told when the pending set is full and a notified key was not added
   */
  KeyspaceSubscription(
      LiveScanSource.Node node,
      PendingKeys pending,
      LiveScanGroup group,
      Runnable onResubscribed,
      Runnable onDropped) {
    this.node = node;
    this.pending = pending;
    this.group = group;
    this.onResubscribed = onResubscribed;
    this.onDropped = onDropped;
  }

  /** Waits up to {@code millis} for the first subscription; true once it is in place. */
  boolean awaitFirst(long millis) throws InterruptedException {
    return subscribedOnce.await(millis, TimeUnit.MILLISECONDS);
  }

  /** Whether the subscription is in place now. */
  boolean subscribed() {
    return subscribed;
  }

  /** Ends {@link #listen}: no new subscription, and the current one's connection is closed. */
  void stop() {
    stopped.set(true);
    Connection c = connection;
    if (c != null) {
      c.close();
    }
  }

  void failIfLost() throws SourceException {
    Exception e = failure;
    if (e != null) {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          "source "
              + node.label()
              + ": the keyspace-notification subscription was lost and could not be opened again"
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** The subscription thread: PSUBSCRIBE, then every notified key into the pending set. */
  void listen() {
    int attempt = 0;
    boolean before = false;
    while (!stopped.get()) {
      Connection c;
      try {
        c = node.connector().connect();
      } catch (ConnectException | JedisConnectionException e) {
        if (!retry(++attempt, e)) {
          return;
        }
        continue;
      }
      connection = c;
      try {
        if (stopped.get()) {
          return;
        }
        c.setTimeoutInfinite();
        for (int db : node.dbs()) {
          c.sendCommand(
              Protocol.Command.PSUBSCRIBE, KeyspaceNotifications.pattern(db, node.match()));
        }
        for (int i = 0; i < node.dbs().size(); i++) {
          Object reply = i == 0 ? c.getOne() : c.getUnflushedObject();
          if (!(reply instanceof List<?> l) || !"psubscribe".equals(text(l.get(0)))) {
            failure = new IllegalStateException("PSUBSCRIBE answered " + describe(reply));
            return;
          }
        }
        subscribed = true;
        attempt = 0;
        if (before) {
          // Notifications of the gap are lost: read everything again.
          group.reconnects.incrementAndGet();
          onResubscribed.run();
          pending.wake();
        }
        before = true;
        subscribedOnce.countDown();
        while (!stopped.get()) {
          Object m = c.getUnflushedObject();
          if (m instanceof List<?> l && l.size() == 4 && "pmessage".equals(text(l.get(0)))) {
            byte[] channel = (byte[]) l.get(2);
            int db = KeyspaceNotifications.db(channel);
            group.notifications.incrementAndGet();
            if (db >= 0 && !pending.add(db, KeyspaceNotifications.key(channel), group.nowMs())) {
              onDropped.run();
            }
          }
        }
      } catch (JedisConnectionException | JedisDataException e) {
        subscribed = false;
        if (stopped.get()) {
          return;
        }
        if (e instanceof JedisDataException) {
          failure = e;
          return;
        }
        if (!retry(++attempt, e)) {
          return;
        }
      } finally {
        subscribed = false;
        c.close();
      }
    }
  }

  /** Waits before attempt {@code attempt}; false (with the failure recorded) when out of tries. */
  private boolean retry(int attempt, Exception cause) {
    if (attempt > node.retries()) {
      failure = cause;
      return false;
    }
    try {
      node.pause(attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = cause;
      return false;
    }
    return true;
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
  }

  private static String describe(Object reply) {
    if (reply instanceof List<?> l && !l.isEmpty()) {
      return text(l.get(0));
    }
    return text(reply);
  }
}
