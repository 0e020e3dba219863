package io.github.rediskeysmigrator.conformance;

import io.github.rediskeysmigrator.testing.RedisServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * One destination server per server version, started on first use and emptied (FLUSHALL and, from
 * 7.0 on, FUNCTION FLUSH) before each file.
 */
final class Destinations implements AutoCloseable {
  static final String REDIS_62 = "redis-6.2.11";
  static final String REDIS_70 = "redis-7.0.15";
  static final String REDIS_72 = "redis-7.2.6";
  static final String REDIS_74 = "redis-7.4.1";
  static final String VALKEY_80 = "valkey-8.0.1";

  private final Map<String, RedisServer> servers = new LinkedHashMap<>();

  /**
   * The server a file migrates into: the oldest one that takes its RDB version (Debian's 7.0.15 for
   * RDB 10 and older, 7.2.6 for 11, 7.4.1 for 12), valkey-8.0.1 for Valkey's fixture. RDB 13 files
   * (Redis 8.6; no such server here) go to 7.4.1 too, rewritten. Files the tool must refuse at the
   * header (not an RDB, an unknown version) name 7.4.1; the tool should not even connect.
   */
  static String serverFor(CorpusFile f) {
    if (f.fixture() != null && f.fixture().startsWith("valkey-")) {
      return VALKEY_80;
    }
    int v = f.rdbVersion();
    if (v >= 1 && v <= 10) {
      return REDIS_70;
    }
    return v == 11 ? REDIS_72 : REDIS_74;
  }

  /**
   * A new server {@code name} that loads {@code dir/dump.rdb} at start, or null when it cannot load
   * it (it exits, e.g. for a module type it lacks). The caller closes it.
   */
  static RedisServer loading(String name, Path dir) {
    String binary =
        name.equals(REDIS_70) ? "redis-server" : RedisServer.sharedBinary(name).toString();
    try {
      // The later --dir overrides the harness' own temporary one.
      return RedisServer.start(binary, "--dir", dir.toString(), "--dbfilename", "dump.rdb");
    } catch (IllegalStateException refused) {
      return null;
    }
  }

  /** The running, empty server {@code name}. */
  RedisServer emptied(String name) {
    RedisServer server =
        servers.computeIfAbsent(
            name, n -> n.equals(REDIS_70) ? RedisServer.startDebian() : RedisServer.startShared(n));
    try (Jedis j = server.client()) {
      j.flushAll();
      if (!name.equals(REDIS_62)) {
        j.functionFlush(); // 6.2 has no functions
      }
    }
    return server;
  }

  @Override
  public void close() {
    servers.values().forEach(RedisServer::close);
    servers.clear();
  }
}
