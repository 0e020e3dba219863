package io.github.rediskeysmigrator.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A parsed {@code redis://[user:password@]host:port[/db]} address. {@link #toString()} never shows
 * the password, so a RedisUri is safe to print, log and put in reports.
 *
 * @param host host name or address
 * @param port TCP port
 * @param db database index, or -1 when the URI names none
 * @param user ACL user name, or null
 * @param password password, or null
 * @param tls whether the scheme is {@code rediss}
 */
public record RedisUri(String host, int port, int db, String user, String password, boolean tls) {

  /** The default Redis port. */
  public static final int DEFAULT_PORT = 6379;

  /**
   * Parses a URI; a bare {@code host:port} is accepted too.
   *
   * @throws IllegalArgumentException with a message that never contains the password
   */
  public static RedisUri parse(String text) {
    String s = text.trim();
    if (!s.contains("://")) {
      s = "redis://" + s;
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      // The cause would repeat the whole text, password included: leave it out.
      throw new IllegalArgumentException("not a redis:// URI: " + mask(text));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new IllegalArgumentException(
          "unsupported scheme '" + scheme + "' in " + mask(text) + " (use redis:// or rediss://)");
    }
    String host = uri.getHost();
    String authority = uri.getRawAuthority();
    // Only where the authority holds any '@' of the text: else what looks like a port may be a
    // password cut short by an unencoded '/', '?' or '#'.
    if (host == null && authority != null && authority.contains("@") == s.contains("@")) {
      // java.net.URI gives no host when the port is not a number: say what is wrong.
      String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
      int colon = hostPort.lastIndexOf(':');
      String port = colon < 0 ? "" : hostPort.substring(colon + 1);
      if (colon > 0 && !port.contains("]") && !port.matches("[0-9]*")) {
        throw new IllegalArgumentException("bad port '" + port + "' in " + mask(text));
      }
    }
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("no host in " + mask(text));
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("bad port " + port + " in " + mask(text));
    }
    int db = -1;
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      try {
        db = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "bad database '" + path.substring(1) + "' in " + mask(text));
      }
      if (db < 0) {
        throw new IllegalArgumentException("bad database " + db + " in " + mask(text));
      }
    }
    String user = null;
    String password = null;
    String info = uri.getRawUserInfo();
    if (info != null && !info.isEmpty()) {
      int colon = info.indexOf(':');
      if (colon < 0) {
        // redis://secret@host is the common form for a password without a user.
        password = decode(info);
      } else {
        user = colon == 0 ? null : decode(info.substring(0, colon));
        password = decode(info.substring(colon + 1));
      }
    }
    return new RedisUri(host, port, db, user, password, scheme.equals("rediss"));
  }

  /** The same address with another password (from a variable or file). */
  public RedisUri withPassword(String newPassword) {
    return new RedisUri(host, port, db, user, newPassword, tls);
  }

  /** The same address, over TLS when {@code on}. */
  public RedisUri withTls(boolean on) {
    return on == tls ? this : new RedisUri(host, port, db, user, password, on);
  }

  /** The same address with another database. */
  public RedisUri withDb(int newDb) {
    return new RedisUri(host, port, newDb, user, password, tls);
  }

  /** Another node of the same deployment (a cluster master): same credentials and TLS, db 0. */
  public RedisUri withAddress(String otherHost, int otherPort) {
    return new RedisUri(otherHost, otherPort, 0, user, password, tls);
  }

  /** The database to use, 0 when the URI names none. */
  public int dbOrZero() {
    return Math.max(db, 0);
  }

  /** {@code host:port}, for messages. */
  public String address() {
    return host + ":" + port;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(tls ? "rediss://" : "redis://");
    if (user != null) {
      sb.append(user);
    }
    if (password != null) {
      sb.append(":***");
    }
    if (user != null || password != null) {
      sb.append('@');
    }
    sb.append(host).append(':').append(port);
    if (db >= 0) {
      sb.append('/').append(db);
    }
    return sb.toString();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Hides anything between "//" and "@" so a malformed URI can be echoed safely. */
  static String mask(String text) {
    int at = text.lastIndexOf('@');
    if (at < 0) {
      return text;
    }
    int start = text.indexOf("//");
    start = start < 0 ? 0 : start + 2;
    return at > start ? text.substring(0, start) + "***" + text.substring(at) : text;
  }
}
