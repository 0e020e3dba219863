package io.github.rediskeysmigrator.testing;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;

/**
 * The keys of one server, or of all the masters of a cluster, as one comparable map: key (hex) to
 * type, value and absolute expiry. Values are DUMP payloads, except sets and hashes, whose DUMP
 * depends on hash-table order and which are compared as sorted members.
 */
public final class Dataset {
  private Dataset() {}

  /** The current db of every node given, merged. */
  public static Map<String, String> of(List<Jedis> nodes) {
    Map<String, String> all = new TreeMap<>();
    for (Jedis j : nodes) {
      for (String hex : DatasetAssert.keys(j)) {
        if (hex.startsWith(
            HexFormat.of()
                .formatHex(
                    "redis-keys-migrator:".getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
          continue;
        }
        byte[] key = HexFormat.of().parseHex(hex);
        String type = j.type(key);
        String value =
            switch (type) {
              case "set" -> sorted(j.smembers(key));
              case "hash" -> sorted(j.hgetAll(key).entrySet());
              default -> HexFormat.of().formatHex(j.dump(key));
            };
        all.put(hex, type + " " + value + " " + DatasetAssert.expireTime(j, key));
      }
    }
    return all;
  }

  /** Every master of {@code cluster}, merged. */
  public static Map<String, String> of(LocalCluster cluster) {
    List<Jedis> clients = cluster.clients();
    try {
      return of(clients);
    } finally {
      clients.forEach(Jedis::close);
    }
  }

  /** One server's current db. */
  public static Map<String, String> of(Jedis node) {
    return of(List.of(node));
  }

  private static String sorted(java.util.Collection<?> items) {
    TreeSet<String> s = new TreeSet<>();
    for (Object o : items) {
      if (o instanceof byte[] b) {
        s.add(HexFormat.of().formatHex(b));
      } else if (o instanceof Map.Entry<?, ?> e
          && e.getKey() instanceof byte[] k
          && e.getValue() instanceof byte[] v) {
        s.add(HexFormat.of().formatHex(k) + "=" + HexFormat.of().formatHex(v));
      } else {
        s.add(String.valueOf(o));
      }
    }
    return s.toString();
  }
}
