package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Across server versions the DUMP payloads of equal values differ (RDB 9 vs 10, ziplist vs
 * listpack), so verify must fall back to the canonical digest; a Redis 6.2 destination has no
 * PEXPIRETIME, so its expiries come from PTTL.
 */
class VerifyCrossVersionIT {
  @RegisterExtension
  static final RedisServerExtension redis62 = RedisServerExtension.shared("redis-6.2.11");

  @RegisterExtension static final RedisServerExtension redis70 = RedisServerExtension.debian();

  @TempDir Path tmp;

  private Tool.Result run(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--progress";
    all[args.length + 1] = "never";
    all[args.length + 2] = args[0].equals("verify") ? "--show" : "--error-log";
    all[args.length + 3] = args[0].equals("verify") ? "50" : tmp.resolve("errors.log").toString();
    return Tool.run(all);
  }

  @Test
  void aRedis62SourceVerifiesAgainstARedis70DestinationFromFileAndLive() {
    try (Jedis s = redis62.server().client()) {
      SampleData.fillAllTypes(s, "");
    }
    Path rdb = redis62.server().saveTo(tmp.resolve("v9.rdb"));
    Tool.Result migration = run("scan", "--from", redis62.uri(), "--to", redis70.uri());
    assertEquals(0, migration.exit(), migration::toString);

    Tool.Result live = run("verify", "--from", redis62.uri(), "--to", redis70.uri());
    assertEquals(0, live.exit(), live::toString);
    assertTrue(
        live.out().contains("identical            " + SampleData.ALL_TYPES_KEYS), live::toString);

    Tool.Result file = run("verify", "--from", rdb.toString(), "--to", redis70.uri());
    assertEquals(0, file.exit(), file::toString);

    try (Jedis d = redis70.server().client()) {
      d.rpush("list:small", "d");
      d.hset("hash:small", "f3", "v3");
    }
    Tool.Result dirty = run("verify", "--from", rdb.toString(), "--to", redis70.uri());
    assertEquals(6, dirty.exit(), dirty::toString);
    assertTrue(
        dirty
            .out()
            .contains(
                "\"list:small\": value differs: list: the source has 3 elements,"
                    + " the destination 4"),
        dirty::toString);
    assertTrue(
        dirty.out().contains("\"hash:small\": value differs: hash: the source has 2 fields"),
        dirty::toString);
  }

  @Test
  void aRedis62DestinationIsReadWithPttl() {
    try (Jedis s = redis62.server().client()) {
      SampleData.fillAllTypes(s, "");
    }
    Path rdb = redis62.server().saveTo(tmp.resolve("v9.rdb"));
    redis62.server().flushAll();
    Tool.Result migration = run("rdb", rdb.toString(), "--to", redis62.uri());
    assertEquals(0, migration.exit(), migration::toString);

    Tool.Result verified = run("verify", "--from", rdb.toString(), "--to", redis62.uri());
    assertEquals(0, verified.exit(), verified::toString);

    try (Jedis d = redis62.server().client()) {
      d.persist("str:ttl");
    }
    Tool.Result dirty = run("verify", "--from", rdb.toString(), "--to", redis62.uri());
    assertEquals(6, dirty.exit(), dirty::toString);
    assertTrue(dirty.out().contains("\"str:ttl\": TTL differs"), dirty::toString);
  }
}
