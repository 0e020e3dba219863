package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import java.time.Clock;
import java.util.List;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Opens the servers {@code verify} reads: a live source (its SCAN reader and, with {@code
 * --extra-keys}, a second connection for the lookups) and the destination's nodes. A connection
 * lost while opening is a {@link ConnectException}, like one refused.
 */
public final class VerifySources {
  private VerifySources() {}

  /**
   * A live source, opened.
   *
   * @param reader the keys to compare
   * @param extra the destination's extra keys finder, or null
   */
  public record Live(SourceReader reader, ExtraKeys extra, Connection conn)
      implements AutoCloseable {
    /** Closes what was opened, for a run that cannot start after all. */
    @Override
    public void close() {
      conn.close();
      if (extra != null) {
        extra.close();
      }
    }
  }

  /**
   * Connects to the live source at {@code uri} and reads its {@code dbs}.
   *
   * @param extraKeys whether to open the lookups of --extra-keys
   * @throws ConnectException when it cannot be reached, or the connection drops meanwhile
   */
  public static Live live(
      RedisUri uri,
      String label,
      Tls tls,
      List<Integer> dbs,
      byte[] match,
      int scanCount,
      VerifyConfig config,
      boolean extraKeys,
      Clock clock,
      Sleeper sleeper)
      throws ConnectException {
    Connection conn = null;
    try {
      conn = RedisConnector.connect(uri, uri.dbOrZero(), "source", tls);
      SourceReader reader =
          LiveScanReader.open(
              conn, ServerInfo.query(conn), dbs, match, scanCount, config, clock, sleeper, label);
      ExtraKeys extra = null;
      if (extraKeys) {
        Connection lookups = RedisConnector.connect(uri, uri.dbOrZero(), "source", tls);
        extra = ExtraKeys.ofLive(lookups, dbs, config, scanCount, label);
      }
      return new Live(reader, extra, conn);
    } catch (ConnectException e) {
      close(conn);
      throw e;
    } catch (JedisConnectionException e) {
      close(conn);
      throw new ConnectException(
          "source " + label + ": connection lost (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Connects to the destination's nodes.
   *
   * @throws ConnectException when one cannot be reached, or a connection drops meanwhile
   * @throws IllegalArgumentException when the destination cannot hold the dbs compared
   */
  public static DestinationNodes destination(
      RedisUri to, Tls tls, VerifyConfig config, LongSupplier wallClock) throws ConnectException {
    try {
      return DestinationNodes.open(to, tls, config, wallClock);
    } catch (JedisConnectionException e) {
      throw new ConnectException(
          "destination " + to + ": connection lost (" + e.getMessage() + ")", e);
    }
  }

  private static void close(Connection conn) {
    if (conn != null) {
      conn.close();
    }
  }
}
