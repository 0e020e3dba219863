package io.github.rediskeysmigrator.redis;

import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.RedisUri;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Opens checked connections: reachable, authenticated, on the right database. */
public final class RedisConnector {
  /** Replies to big RESTOREs can take a while; a dead server still fails in bounded time. */
  private static final int SOCKET_TIMEOUT_MS =
      Integer.parseInt(MigrationConfig.Defaults.TIMEOUT_SECONDS) * 1000;

  private static final int CONNECT_TIMEOUT_MS = 5_000;

  /** Tries, one a second, while the server answers LOADING or BUSY at connection time. */
  private static final int PASSING_STATE_TRIES = 30;

  private static final long PASSING_STATE_WAIT_MS = 1_000;

  private RedisConnector() {}

  /**
   * Connects to {@code uri}, authenticates and selects {@code db}.
   *
   * @param role "source" or "destination", for messages
   * @throws ConnectException with a message naming the address but never the password
   */
  public static Connection connect(RedisUri uri, int db, String role) throws ConnectException {
    return connect(uri, db, role, Tls.defaults());
  }

  /** Like {@link #connect(RedisUri, int, String)}, with {@code tls} for rediss:// addresses. */
  public static Connection connect(RedisUri uri, int db, String role, Tls tls)
      throws ConnectException {
    return connect(uri, db, role, tls, SOCKET_TIMEOUT_MS);
  }

  /**
   * Like {@link #connect(RedisUri, int, String, Tls)}; a reply that takes longer than {@code
   * timeoutMillis} breaks the connection (JedisConnectionException), which the caller may retry.
   */
  public static Connection connect(RedisUri uri, int db, String role, Tls tls, int timeoutMillis)
      throws ConnectException {
    DefaultJedisClientConfig.Builder cfg =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(Math.min(CONNECT_TIMEOUT_MS, timeoutMillis))
            .socketTimeoutMillis(timeoutMillis)
            .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
            .database(db);
    if (uri.tls()) {
      cfg.ssl(true)
          .sslSocketFactory(tls.context().getSocketFactory())
          .sslParameters(tls.parameters());
    }
    if (uri.password() != null) {
      cfg.user(uri.user()).password(uri.password());
    }
    // A server that is loading its dataset or running a long script will answer soon: wait for
    // it (a few tries) instead of failing the run at start.
    for (int attempt = 1; ; attempt++) {
      try {
        return open(uri, role, cfg.build());
      } catch (ConnectException e) {
        if (!(e.getCause() instanceof JedisDataException d) || attempt >= PASSING_STATE_TRIES) {
          throw e;
        }
        RedisError.Kind kind = RedisError.of(d.getMessage()).kind();
        if (kind != RedisError.Kind.LOADING && kind != RedisError.Kind.BUSY) {
          throw e;
        }
        try {
          Thread.sleep(PASSING_STATE_WAIT_MS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static Connection open(RedisUri uri, String role, DefaultJedisClientConfig config)
      throws ConnectException {
    Connection conn = null;
    try {
      conn = new WatchedConnection(new HostAndPort(uri.host(), uri.port()), config);
      if (!conn.ping()) {
        throw new ConnectException(role + " " + uri + " did not answer PING", null);
      }
      return conn;
    } catch (JedisAccessControlException e) {
      close(conn);
      throw new ConnectException(
          role + " " + uri + ": authentication failed (" + safe(e, uri) + ")", e);
    } catch (JedisConnectionException e) {
      close(conn);
      javax.net.ssl.SSLException tlsFailure = tlsCause(e);
      if (tlsFailure != null) {
        throw new ConnectException(
            role + " " + uri.address() + ": TLS handshake failed (" + explain(tlsFailure) + ")", e);
      }
      throw new ConnectException(
          role + " " + uri.address() + " is unreachable (" + rootMessage(e, uri) + ")", e);
    } catch (JedisDataException e) {
      close(conn);
      RedisError err = RedisError.of(e.getMessage());
      String what = err.kind() == RedisError.Kind.AUTH ? "authentication failed" : "refused us";
      throw new ConnectException(role + " " + uri + ": " + what + " (" + safe(e, uri) + ")", e);
    }
  }

  private static javax.net.ssl.SSLException tlsCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException ssl) {
        return ssl;
      }
    }
    return null;
  }

  /** The usual TLS failures in words a user acts on. */
  static String explain(javax.net.ssl.SSLException e) {
    String m = String.valueOf(e.getMessage());
    for (Throwable c = e; c != null; c = c.getCause()) {
      String cm = String.valueOf(c.getMessage());
      if (cm.contains("unable to find valid certification path")
          || cm.contains("PKIX path building failed")) {
        return "the server's certificate is not signed by a trusted CA; give it with --tls-ca";
      }
      if (cm.contains("No subject alternative") || cm.contains("No name matching")) {
        return "the server's certificate does not name this host: " + cm;
      }
      if (cm.contains("certificate_required") || cm.contains("bad_certificate")) {
        return "the server wants a client certificate; give --tls-cert and --tls-key";
      }
    }
    return m;
  }

  private static void close(Connection conn) {
    if (conn != null) {
      conn.close();
    }
  }

  private static String rootMessage(Throwable t, RedisUri uri) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return safe(root, uri);
  }

  /** An exception's message with the password blanked, should a library ever echo it. */
  static String safe(Throwable t, RedisUri uri) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    if (uri.password() != null && !uri.password().isEmpty()) {
      m = m.replace(uri.password(), "***");
    }
    return m;
  }
}
