package io.github.rediskeysmigrator.redis;

import java.io.IOException;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A Jedis connection whose writes time out like its reads. A socket's read timeout does not cover
 * writes: a server that stops reading (frozen, or a network path that drops everything) lets a big
 * pipeline fill the socket buffers, and the write then blocks forever. Here a watchdog closes the
 * socket once a write has made no progress for the timeout, and the writer sees a lost connection,
 * which it can retry.
 */
final class WatchedConnection extends Connection {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(WatchedConnection.class);

  private final long timeoutMillis;
  // When the write under way started (System.nanoTime, never 0), or 0 when none is.
  private volatile long writingSince;
  private volatile boolean timedOut;
  private Timer watchdog;
  private boolean closed;
  // Set by the writing thread once the watchdog runs: no lock taken per write after that.
  private boolean watching;

  WatchedConnection(HostAndPort address, JedisClientConfig config) {
    super(new DefaultJedisSocketFactory(address, config), config);
    this.timeoutMillis = config.getSocketTimeoutMillis();
  }

  // No lambda per write: sendCommand runs once per key on the rdb path (issue 26).
  @Override
  public void sendCommand(CommandArguments args) {
    if (timeoutMillis <= 0) {
      // The handshake runs inside the superclass constructor, before this class is set up.
      super.sendCommand(args);
      return;
    }
    beginWrite();
    try {
      super.sendCommand(args);
    } catch (JedisConnectionException e) {
      throw stuck(e);
    } finally {
      writingSince = 0;
    }
  }

  @Override
  protected void flush() {
    if (timeoutMillis <= 0) {
      super.flush();
      return;
    }
    beginWrite();
    try {
      super.flush();
    } catch (JedisConnectionException e) {
      throw stuck(e);
    } finally {
      writingSince = 0;
    }
  }

  private void beginWrite() {
    if (!watching) {
      startWatchdog();
    }
    writingSince = System.nanoTime() | 1;
  }

  /** {@code e}, said again when the watchdog closed the socket because nothing was taken. */
  private JedisConnectionException stuck(JedisConnectionException e) {
    if (timedOut) {
      return new JedisConnectionException(
          "the server took nothing of what we sent for "
              + timeoutMillis
              + " ms (it stopped reading)",
          e);
    }
    return e;
  }

  private synchronized void startWatchdog() {
    if (watchdog != null || closed) {
      return;
    }
    watchdog = new Timer("write-watchdog", true);
    watching = true;
    long period = Math.max(10, timeoutMillis / 4);
    watchdog.schedule(
        new TimerTask() {
          @Override
          public void run() {
            long since = writingSince;
            if (since != 0
                && System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(timeoutMillis)) {
              timedOut = true;
              try {
                forceDisconnect();
              } catch (IOException e) {
                // The socket is being closed because it is stuck; a failure to close it is moot.
                log.debug("closing a stuck connection failed", e);
              }
            }
          }
        },
        period,
        period);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (watchdog != null) {
        watchdog.cancel();
      }
    }
    super.close();
  }
}
