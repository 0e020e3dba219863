package io.github.rediskeysmigrator.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A server that may fail over, as {@code --from} or {@code --to} names it: several addresses of
 * which one is the master ({@code redis://[user:password@]host:port,host:port[/db]}), or the master
 * that Sentinels name ({@code redis-sentinel://[user:password@]host:port[,host:port...]/name[/db]},
 * {@code rediss-sentinel://} for TLS). The run asks for the master at start and again whenever its
 * connection to the master is lost.
 *
 * @param nodes the data nodes to try (empty for Sentinel), with credentials, TLS and db
 * @param sentinels the Sentinels to ask (empty for a list of nodes), with their credentials and TLS
 * @param masterName the name the Sentinels monitor the master under, or null
 * @param data the credentials, TLS and db of the data nodes (host and port are the first node's or
 *     Sentinel's, a placeholder until the master is known)
 */
public record FailoverAddress(
    List<RedisUri> nodes, List<RedisUri> sentinels, String masterName, RedisUri data) {

  public FailoverAddress {
    nodes = List.copyOf(nodes);
    sentinels = List.copyOf(sentinels);
  }

  private static final String SENTINEL = "redis-sentinel://";
  private static final String SENTINEL_TLS = "rediss-sentinel://";

  /** Whether {@code text} names a server that may fail over (Sentinel, or several addresses). */
  public static boolean names(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    return s.startsWith(SENTINEL) || s.startsWith(SENTINEL_TLS) || hosts(text).contains(",");
  }

  /**
   * Parses a Sentinel URI or a list of addresses.
   *
   * @throws IllegalArgumentException with a message that never contains the password
   */
  public static FailoverAddress parse(String text) {
    String s = text.trim();
    String lower = s.toLowerCase(Locale.ROOT);
    boolean sentinel = lower.startsWith(SENTINEL) || lower.startsWith(SENTINEL_TLS);
    String scheme;
    if (sentinel) {
      scheme = lower.startsWith(SENTINEL_TLS) ? "rediss://" : "redis://";
      s = s.substring(s.indexOf("://") + 3);
    } else {
      int sep = s.indexOf("://");
      scheme = sep < 0 ? "redis://" : s.substring(0, sep + 3);
      s = sep < 0 ? s : s.substring(sep + 3);
    }
    int at = s.lastIndexOf('@', slash(s));
    String userInfo = at < 0 ? "" : s.substring(0, at + 1);
    String rest = s.substring(at + 1);
    int slash = rest.indexOf('/');
    String hostList = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    String db = path;
    String name = null;
    if (sentinel) {
      String[] parts = path.isEmpty() ? new String[0] : path.substring(1).split("/", -1);
      if (parts.length == 0 || parts[0].isEmpty() || parts.length > 2) {
        throw new IllegalArgumentException(
            "no master name in "
                + RedisUri.mask(text)
                + " (use redis-sentinel://host:port[,host:port...]/master-name[/db])");
      }
      name = parts[0];
      db = parts.length == 2 ? "/" + parts[1] : "";
    }
    List<RedisUri> addresses = new ArrayList<>();
    for (String host : hostList.split(",", -1)) {
      if (host.isBlank()) {
        throw new IllegalArgumentException("an empty address in " + RedisUri.mask(text));
      }
      addresses.add(RedisUri.parse(scheme + userInfo + host.trim() + (sentinel ? "" : db)));
    }
    RedisUri first = addresses.get(0);
    RedisUri data =
        sentinel ? RedisUri.parse(scheme + userInfo + hostList.split(",")[0] + db) : first;
    return sentinel
        ? new FailoverAddress(List.of(), addresses, name, data)
        : new FailoverAddress(addresses, List.of(), null, data);
  }

  /** Where the authority ends: the '@' of a password is before it. */
  private static int slash(String s) {
    int slash = s.indexOf('/');
    return slash < 0 ? s.length() : slash;
  }

  private static String hosts(String text) {
    String s = text.trim();
    int sep = s.indexOf("://");
    s = sep < 0 ? s : s.substring(sep + 3);
    int end = slash(s);
    int at = s.lastIndexOf('@', end);
    return s.substring(at + 1, end);
  }

  /** Whether the Sentinels name the master. */
  public boolean sentinel() {
    return masterName != null;
  }

  /** The data nodes' address as planned: the first node, or a placeholder behind Sentinel. */
  public RedisUri seed() {
    return data;
  }

  /** The data nodes with another password (from a variable or file). */
  public FailoverAddress withPassword(String password) {
    List<RedisUri> n = new ArrayList<>();
    nodes.forEach(u -> n.add(u.withPassword(password)));
    return new FailoverAddress(n, sentinels, masterName, data.withPassword(password));
  }

  /** The data nodes and Sentinels over TLS. */
  public FailoverAddress withTls() {
    List<RedisUri> n = new ArrayList<>();
    nodes.forEach(u -> n.add(u.withTls(true)));
    List<RedisUri> s = new ArrayList<>();
    sentinels.forEach(u -> s.add(u.withTls(true)));
    return new FailoverAddress(n, s, masterName, data.withTls(true));
  }

  /** The master at {@code host:port}: the data nodes' credentials, TLS and db. */
  public RedisUri master(String host, int port) {
    return new RedisUri(host, port, data.db(), data.user(), data.password(), data.tls());
  }

  /** For messages and reports: the addresses and the master name, never a password. */
  @Override
  public String toString() {
    List<RedisUri> shown = sentinel() ? sentinels : nodes;
    StringBuilder sb = new StringBuilder();
    if (sentinel()) {
      sb.append(data.tls() ? SENTINEL_TLS : SENTINEL);
    } else {
      sb.append(data.tls() ? "rediss://" : "redis://");
    }
    if (data.user() != null) {
      sb.append(data.user());
    }
    if (data.password() != null) {
      sb.append(":***");
    }
    if (data.user() != null || data.password() != null) {
      sb.append('@');
    }
    for (int i = 0; i < shown.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(shown.get(i).address());
    }
    if (sentinel()) {
      sb.append('/').append(masterName);
    }
    if (data.db() >= 0) {
      sb.append('/').append(data.db());
    }
    return sb.toString();
  }
}
