package io.github.rediskeysmigrator.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.RedisServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * The AOF files real servers write (Redis 6.2's single file, the multi-part appendonlydir of Redis
 * 7.0, 7.4 and 8.6 and Valkey 9.1) are read to their end: every command the test sent is there, in
 * order, with its transaction and its timestamps.
 */
class AofFilesIT {

  private static RedisServer start(String version, Path dir) {
    List<String> args =
        new ArrayList<>(
            List.of("--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString()));
    if (!version.equals("redis-6.2.11")) {
      args.addAll(List.of("--aof-timestamp-enabled", "yes"));
    } else {
      args.addAll(List.of("--aof-use-rdb-preamble", "no"));
    }
    String[] a = args.toArray(String[]::new);
    return version.equals("debian")
        ? RedisServer.startDebian(a)
        : RedisServer.startShared(version, a);
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis-6.2.11", "debian", "redis-7.4.1", "redis-8.6.3", "valkey-9.1.2"})
  void everyCommandSentIsReadBackInOrder(String version) throws Exception {
    Path dir = Files.createTempDirectory("rkm-aof-");
    try (RedisServer server = start(version, dir)) {
      try (Jedis j = server.client()) {
        for (int i = 0; i < 100; i++) {
          j.set("k" + i, "v" + i);
        }
        j.select(3);
        j.rpush("list", "a", "b");
        Transaction t = j.multi();
        t.incr("n");
        t.hset("h", "f", "v");
        t.exec();
      }
      Path where =
          version.equals("redis-6.2.11")
              ? dir.resolve("appendonly.aof")
              : dir.resolve("appendonlydir");
      AofLayout layout = AofLayout.of(where);
      Map<String, Integer> counts = new TreeMap<>();
      List<String> order = new ArrayList<>();
      int timestamps = 0;
      for (AofLayout.Part part : layout.parts()) {
        if (part.format() != AofLayout.Format.COMMANDS) {
          continue;
        }
        try (InputStream in = AofLayout.open(part)) {
          AofCommandReader r = new AofCommandReader(part.file(), in, 0, AofLayout.dataBound(part));
          AofEntry e;
          while ((e = r.next()) != null) {
            if (e instanceof AofEntry.Timestamp) {
              timestamps++;
            } else if (e instanceof AofEntry.Command c) {
              counts.merge(c.name(), 1, Integer::sum);
              if (!c.name().equals("SET")) {
                order.add(c.name());
              }
            } else {
              throw new AssertionError("a live server's AOF ends cut: " + e);
            }
          }
          assertNull(r.next());
        }
      }
      assertEquals(100, counts.get("SET"), counts::toString);
      assertEquals(
          List.of("SELECT", "SELECT", "RPUSH", "MULTI", "INCR", "HSET", "EXEC"),
          order.subList(order.size() - 7, order.size()),
          order::toString);
      assertTrue(
          version.equals("redis-6.2.11") ? timestamps == 0 : timestamps >= 1,
          "timestamps: " + timestamps);
    }
  }
}
