package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Files written by one Redis version, destinations of another: accepted or refused up front. */
class DestinationVersionIT {
  @RegisterExtension
  static final RedisServerExtension redis72 = RedisServerExtension.shared("redis-7.2.6");

  @RegisterExtension
  static final RedisServerExtension redis62 = RedisServerExtension.shared("redis-6.2.11");

  @RegisterExtension static final RedisServerExtension debian = RedisServerExtension.debian();

  @TempDir Path tmp;

  @Test
  void newerFileIntoOlderDestinationStopsBeforeWritingAndNamesBothVersions() {
    try (Jedis j = redis72.server().client()) {
      SampleData.fillStrings(j, "k", 10);
    }
    Path file = redis72.server().saveTo(tmp.resolve("v11.rdb"));

    Tool.Result r =
        Tool.run("rdb", file.toString(), "--to", debian.uri(), "--error-log", tmp + "/e.log");

    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains("RDB version 11"), r.err());
    assertTrue(r.err().contains("redis 7.0.15"), r.err());
    assertTrue(r.err().contains("up to RDB version 10"), r.err());
    try (Jedis d = debian.server().client()) {
      assertEquals(0, d.dbSize());
    }
  }

  @Test
  void olderFileIntoNewerDestinationKeepsValuesAndTtls() {
    try (Jedis j = redis62.server().client()) {
      j.set("a", "1");
      j.rpush("l", "x", "y");
      j.hset("h", "f", "v");
      j.zadd("z", 2.5, "m");
      j.sadd("s", "1", "2");
      j.set("t", "ttl");
      j.pexpireAt("t", SampleData.farExpiry());
    }
    Path file = redis62.server().saveTo(tmp.resolve("v9.rdb"));

    Tool.Result r =
        Tool.run("rdb", file.toString(), "--to", redis72.uri(), "--error-log", tmp + "/e.log");

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = redis72.server().client();
        Jedis s = redis62.server().client()) {
      assertEquals("1", d.get("a"));
      assertEquals(java.util.List.of("x", "y"), d.lrange("l", 0, -1));
      assertEquals("v", d.hget("h", "f"));
      assertEquals(2.5, d.zscore("z", "m"));
      assertEquals(java.util.Set.of("1", "2"), d.smembers("s"));
      long pttl = d.pttl("t");
      long sourcePttl = s.pttl("t");
      assertTrue(Math.abs(pttl - sourcePttl) < 2000, pttl + " vs " + sourcePttl);
      assertTrue(DatasetAssert.expireTime(d, "t".getBytes()) > 0);
    }
  }
}
