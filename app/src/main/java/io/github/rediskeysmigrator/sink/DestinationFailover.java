package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.Failovers;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.MasterLocator;
import io.github.rediskeysmigrator.redis.Reconnector;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.Tls;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Reconnects a writer whose destination master went away to the node that took its place: the
 * master the Sentinels (or listed nodes) name now, or the new owner of a cluster master's slots
 * (its promoted replica). Each reconnect waits up to --failover-timeout for that node, and
 * --retries bounds the reconnects; the writer then sends again what had no reply ({@link
 * Recovery}).
 */
final class DestinationFailover {
  private static final long POLL_MILLIS = 250;

  private final Tls tls;
  private final int timeoutMillis;
  private final long failoverTimeoutMillis;
  private final Failovers counts;
  private final Sleeper sleeper;
  private final LongSupplier clockMillis;
  private final Consumer<String> notes;
  // Masters whose replacement was counted already (several writers may reconnect to one).
  private final Set<String> replaced = ConcurrentHashMap.newKeySet();

  /**
   * @param timeoutMillis socket timeout of the new connection (--timeout)
   * @param failoverTimeoutMillis how long one reconnect waits for the new master
   */
  DestinationFailover(
      Tls tls,
      int timeoutMillis,
      long failoverTimeoutMillis,
      Failovers counts,
      Sleeper sleeper,
      LongSupplier clockMillis,
      Consumer<String> notes) {
    this.tls = tls;
    this.timeoutMillis = timeoutMillis;
    this.failoverTimeoutMillis = failoverTimeoutMillis;
    this.counts = counts;
    this.sleeper = sleeper;
    this.clockMillis = clockMillis;
    this.notes = notes;
  }

  /** Reconnects to the master {@code locator} finds, {@code first} being the one at start. */
  Reconnector sentinel(MasterLocator locator, RedisUri first) {
    return () -> {
      MasterLocator.Reconnect r =
          locator.reconnect(first, failoverTimeoutMillis, sleeper, clockMillis);
      Connection conn = RedisConnector.connect(r.master(), 0, "destination", tls, timeoutMillis);
      if (r.failedOver()) {
        counted(r.replaced(), r.master().address(), locator.address().toString());
      }
      return conn;
    };
  }

  /**
   * Reconnects to the master that owns {@code slot} now: {@code node} itself after a restart, or
   * its promoted replica after a failover. The slot map is read from any of {@code seeds} that
   * answers.
   */
  Reconnector clusterMaster(RedisUri node, int slot, List<RedisUri> seeds) {
    return () -> {
      long deadline = clockMillis.getAsLong() + failoverTimeoutMillis;
      ConnectException last = null;
      while (true) {
        try {
          ClusterSlots map = slots(seeds);
          HostAndPort owner = map.masters().get(map.owner(slot));
          RedisUri master = node.withAddress(owner.getHost(), owner.getPort());
          Connection conn = RedisConnector.connect(master, 0, "destination", tls, timeoutMillis);
          if (MasterLocator.isMaster(conn)) {
            if (!node.address().equals(master.address()) && replaced.add(node.address())) {
              counted(node.address(), master.address(), "cluster");
            }
            return conn;
          }
          conn.close();
          last = new ConnectException("destination " + master.address() + " is no master", null);
        } catch (ConnectException e) {
          last = e;
        } catch (JedisException | IndexOutOfBoundsException e) {
          last = new ConnectException("destination cluster: " + e.getMessage(), e);
        }
        if (clockMillis.getAsLong() >= deadline) {
          throw new ConnectException(
              "no master for slot "
                  + slot
                  + " of "
                  + node.address()
                  + " within "
                  + failoverTimeoutMillis / 1000.0
                  + " s (--failover-timeout): "
                  + last.getMessage(),
              last);
        }
        try {
          sleeper.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          throw ConnectException.interruptedWaitingForMaster(e);
        }
      }
    };
  }

  /** The slot map, read from the first of {@code seeds} that answers. */
  ClusterSlots slots(List<RedisUri> seeds) throws ConnectException {
    ConnectException last = null;
    for (RedisUri seed : seeds) {
      try (Connection conn = RedisConnector.connect(seed, 0, "destination", tls, timeoutMillis)) {
        return ClusterSlots.query(conn);
      } catch (ConnectException e) {
        last = e;
      } catch (JedisException e) {
        last = new ConnectException("destination " + seed.address() + ": " + e.getMessage(), e);
      }
    }
    throw new ConnectException("no node of the destination cluster answers", last);
  }

  private void counted(String before, String now, String what) {
    counts.destinationSeen();
    notes.accept(
        "destination "
            + what
            + ": failed over from "
            + before
            + " to "
            + now
            + "; sending again what had no reply");
  }
}
