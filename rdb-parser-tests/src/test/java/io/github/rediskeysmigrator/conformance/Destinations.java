package io.github.rediskeysmigrator.conformance;

import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.ServerLauncher;
import io.github.rediskeysmigrator.testing.ServerVersions;
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
  static final String REDIS_70 = ServerVersions.DEBIAN;
  static final String REDIS_72 = "redis-7.2.6";
  static final String REDIS_74 = "redis-7.4.1";
  static final String REDIS_86 = "redis-8.6.3";
  static final String VALKEY_80 = "valkey-8.0.1";
  static final String VALKEY_91 = "valkey-9.1.2";

  private final Map<String, RedisServer> servers = new LinkedHashMap<>();

  /**
   * The server a file migrates into: one that holds everything the file has. A generated fixture
   * goes into a server of its own line (Valkey 8's into valkey-8.0.1, Valkey 9's into valkey-9.1.2,
   * Redis 8.6's into redis-8.6.3); any other file into the oldest Redis that takes its RDB version
   * (Debian's 7.0.15 for RDB 10 and older, 7.2.6 for 11, 7.4.1 for 12). The public RDB 13 files go
   * to 7.4.1, which is what redis/librdb's reading of them describes (their streams then lose only
   * their IDMP state). Files the tool must refuse at the header (not an RDB, an unknown version)
   * name 7.4.1; the tool should not even connect.
   */
  static String serverFor(CorpusFile f) {
    String fixture = f.fixture();
    if (fixture != null && fixture.startsWith("valkey-")) {
      return fixture.startsWith("valkey-8.") ? VALKEY_80 : VALKEY_91;
    }
    int v = f.rdbVersion();
    if (v >= 1 && v <= 10) {
      return REDIS_70;
    }
    if (fixture != null && v == 13) {
      return REDIS_86;
    }
    return v == 11 ? REDIS_72 : REDIS_74;
  }

  /** Whether the server {@code name} keeps hash field TTLs (Redis 7.4+, Valkey 9+). */
  static boolean holdsFieldTtls(String name) {
    return name.equals(REDIS_74) || name.equals(REDIS_86) || name.equals(VALKEY_91);
  }

  /**
   * The newest RDB version whose payloads the server {@code name} restores as they are, in Redis'
   * numbering (Valkey 9, which writes 80, restores Redis' up to 11).
   */
  static int restoresUpTo(String name) {
    return switch (name) {
      case REDIS_62 -> 9;
      case REDIS_70 -> 10;
      case REDIS_72, VALKEY_80, VALKEY_91 -> 11;
      case REDIS_74 -> 12;
      default -> 13;
    };
  }

  /**
   * A new server {@code name} that loads {@code dir/dump.rdb} at start, or null when it cannot load
   * it (it exits, e.g. for a module type it lacks). The caller closes it.
   */
  static RedisServer loading(String name, Path dir) {
    ServerLauncher launcher = RedisServer.launcher(name);
    try {
      // The later --dir overrides the harness' own temporary one.
      return RedisServer.start(launcher, "--dir", dir.toString(), "--dbfilename", "dump.rdb");
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
