package io.github.rediskeysmigrator.redis;

import io.github.rediskeysmigrator.core.FailoverAddress;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.Sleeper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Finds the current master of a {@link FailoverAddress}: asks each Sentinel in turn ({@code
 * SENTINEL get-master-addr-by-name}), or each listed node for its role, and takes a node only once
 * it answers {@code role:master} itself (a Sentinel names the promoted replica a moment before it
 * has taken the role, and a node restarted after a failover may still call itself master until its
 * Sentinels turn it into a replica).
 */
public final class MasterLocator {
  /** How often the master is asked for while a failover goes on. */
  static final long POLL_MILLIS = 250;

  private final FailoverAddress address;
  private final Tls tls;
  private final String role;
  // The master the last reconnect went to; null before the first.
  private final AtomicReference<String> current = new AtomicReference<>();

  /**
   * @param role "source" or "destination", for messages
   */
  public MasterLocator(FailoverAddress address, Tls tls, String role) {
    this.address = address;
    this.tls = tls;
    this.role = role;
  }

  /** What is followed, for messages. */
  public FailoverAddress address() {
    return address;
  }

  /**
   * The master now, asked once.
   *
   * @throws ConnectException when no Sentinel names a reachable master, or no listed node is one
   */
  public RedisUri master() throws ConnectException {
    ConnectException last = null;
    for (RedisUri candidate : candidates()) {
      if (candidate == null) {
        continue;
      }
      try (Connection conn = RedisConnector.connect(candidate, 0, role, tls, 5_000)) {
        if (isMaster(conn)) {
          return candidate;
        }
        last = new ConnectException(role + " " + candidate.address() + " is not a master", null);
      } catch (ConnectException e) {
        last = e;
      } catch (JedisException e) {
        last = new ConnectException(role + " " + candidate.address() + ": " + e.getMessage(), e);
      }
    }
    throw new ConnectException(
        "no master found for "
            + role
            + " "
            + address
            + (last == null ? "" : " (last: " + last.getMessage() + ")"),
        last);
  }

  /**
   * The master, asked every {@link #POLL_MILLIS} until one answers or {@code timeoutMillis} has
   * passed (a failover takes the Sentinels' down-after-milliseconds plus an election, the cluster's
   * node timeout plus an election).
   *
   * @throws ConnectException when none was found in time
   */
  public RedisUri await(long timeoutMillis, Sleeper sleeper, LongSupplier clockMillis)
      throws ConnectException, InterruptedException {
    long deadline = clockMillis.getAsLong() + timeoutMillis;
    while (true) {
      try {
        return master();
      } catch (ConnectException e) {
        if (clockMillis.getAsLong() >= deadline) {
          throw new ConnectException(
              e.getMessage() + "; waited " + timeoutMillis / 1000.0 + " s (--failover-timeout)", e);
        }
      }
      sleeper.sleep(POLL_MILLIS);
    }
  }

  /** {@link #await} for a reconnect, which may fail only with a {@link ConnectException}. */
  public RedisUri awaitToReconnect(long timeoutMillis, Sleeper sleeper, LongSupplier clockMillis)
      throws ConnectException {
    try {
      return await(timeoutMillis, sleeper, clockMillis);
    } catch (InterruptedException e) {
      throw ConnectException.interruptedWaitingForMaster(e);
    }
  }

  /** Where a reconnect goes, and the master it replaces when a failover put another node there. */
  public record Reconnect(RedisUri master, String replaced) {
    /** Whether the master is another node than the last reconnect's (or the one at start). */
    public boolean failedOver() {
      return replaced != null;
    }
  }

  /**
   * {@link #awaitToReconnect}, told whether the master moved since the last reconnect; {@code
   * first} is the master at start. Every reconnect through this locator (several writers of one
   * destination) shares what it saw, so a failover is seen once.
   */
  public Reconnect reconnect(
      RedisUri first, long timeoutMillis, Sleeper sleeper, LongSupplier clockMillis)
      throws ConnectException {
    RedisUri master = awaitToReconnect(timeoutMillis, sleeper, clockMillis);
    current.compareAndSet(null, first.address());
    String before = current.getAndSet(master.address());
    return new Reconnect(master, before.equals(master.address()) ? null : before);
  }

  /** The nodes to try: the listed ones, or what each Sentinel names (null where one cannot). */
  private List<RedisUri> candidates() {
    if (!address.sentinel()) {
      return address.nodes();
    }
    java.util.ArrayList<RedisUri> named = new java.util.ArrayList<>();
    for (RedisUri sentinel : address.sentinels()) {
      named.add(askSentinel(sentinel));
    }
    return named;
  }

  /** The master {@code sentinel} names, or null when it is unreachable or knows none. */
  private RedisUri askSentinel(RedisUri sentinel) {
    try (Connection conn = sentinelConnection(sentinel)) {
      conn.sendCommand(Protocol.Command.SENTINEL, "get-master-addr-by-name", address.masterName());
      List<byte[]> reply = conn.getBinaryMultiBulkReply();
      if (reply == null || reply.size() < 2) {
        return null;
      }
      return address.master(
          new String(reply.get(0), StandardCharsets.UTF_8),
          Integer.parseInt(new String(reply.get(1), StandardCharsets.US_ASCII)));
    } catch (ConnectException | JedisException | NumberFormatException e) {
      return null;
    }
  }

  /**
   * A connection to a Sentinel: with the URI's credentials, or without when the Sentinel has no
   * password (it refuses AUTH then, as Sentinels are often left open while their masters are not).
   */
  private Connection sentinelConnection(RedisUri sentinel) throws ConnectException {
    try {
      return RedisConnector.connect(sentinel, 0, "sentinel", tls, 5_000);
    } catch (ConnectException e) {
      String m = String.valueOf(e.getMessage());
      if (sentinel.password() != null
          && (m.contains("without any password configured") || m.contains("no password is set"))) {
        return RedisConnector.connect(
            new RedisUri(sentinel.host(), sentinel.port(), -1, null, null, sentinel.tls()),
            0,
            "sentinel",
            tls,
            5_000);
      }
      throw e;
    }
  }

  /** Whether the server behind {@code conn} is a master (INFO replication). */
  public static boolean isMaster(Connection conn) {
    conn.sendCommand(Protocol.Command.INFO, "replication");
    return conn.getBulkReply().contains("role:master");
  }
}
