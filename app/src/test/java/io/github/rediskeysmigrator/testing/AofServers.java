package io.github.rediskeysmigrator.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.SetParams;

/** Starts redis-servers that write their AOF into a given folder, as the AOF tests read it. */
public final class AofServers {
  /** The one version here whose AOF is a single file without #TS: annotations. */
  public static final String SIX_TWO = "redis-6.2.11";

  private AofServers() {}

  /**
   * A server of {@code version} writing its AOF into {@code dir}, with an RDB preamble on rewrites
   * or not, and #TS: annotations where the version has them (7.0 on).
   */
  public static RedisServer start(String version, Path dir, boolean preamble) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--appendonly",
                "yes",
                // Written to the file before each reply all the same; no fsync per command.
                "--appendfsync",
                "no",
                "--dir",
                dir.toString(),
                "--aof-use-rdb-preamble",
                preamble ? "yes" : "no"));
    if (!version.equals(SIX_TWO)) {
      args.addAll(List.of("--aof-timestamp-enabled", "yes"));
    }
    return RedisServer.start(RedisServer.launcher(version), args.toArray(String[]::new));
  }

  private static final String LIBRARY =
      "#!lua name=%s\nredis.register_function('%s', function(keys, args)"
          + " return redis.call('set', keys[1], args[1]) end)";

  /**
   * The history the AOF tests replay, at the server of {@code version} behind {@code j}: every type
   * with expiries in two dbs, a transaction, a function library (7+), a key that has expired by the
   * time of the replay, then BGREWRITEAOF and more commands after it.
   */
  public static void writeHistory(Jedis j, String version) throws InterruptedException {
    SampleData.fillAllTypes(j, "");
    j.select(3);
    SampleData.fillAllTypes(j, "db3:");
    Transaction t = j.multi();
    t.incr("counter");
    t.hset("tx:hash", "f", "v");
    t.lpush("tx:list", "a", "b");
    t.exec();
    if (!version.equals(SIX_TWO)) {
      j.functionLoad(String.format(LIBRARY, "lib1", "f1"));
      j.fcall("f1", List.of("by:function"), List.of("value"));
    }
    j.select(0);
    j.set("gone", "soon", SetParams.setParams().px(1500));
    // The fork takes the key, still alive, into the base (the RDB preamble).
    j.bgrewriteaof();
    awaitRewriteDone(j);
    j.del("str:short");
    j.incrBy("str:int", 5);
    j.rpush("list:small", "d");
    j.expire("hash:small", 3600);
    if (!version.equals(SIX_TWO)) {
      j.functionLoad(String.format(LIBRARY, "lib2", "f2"));
    }
    Await.until("the short-lived key to expire", Duration.ofSeconds(10), () -> !j.exists("gone"));
  }

  /** Waits until the server behind {@code j} has no AOF rewrite running or due. */
  public static void awaitRewriteDone(Jedis j) throws InterruptedException {
    Await.until(
        "the AOF rewrite to end",
        Duration.ofSeconds(30),
        () -> {
          String info = j.info("persistence");
          return info.contains("aof_rewrite_in_progress:0")
              && info.contains("aof_rewrite_scheduled:0");
        });
  }

  /**
   * FLUSHALL and a SET of {@code after} in a later second than every command before them (#TS:
   * annotations count whole seconds); returns the second before, a --until that stops short of the
   * FLUSHALL.
   */
  public static long flushAllLater(Jedis j) throws InterruptedException {
    long second = Long.parseLong(j.time().get(0));
    Await.until(
        "the server's clock to pass " + second + " + 1",
        Duration.ofSeconds(10),
        () -> Long.parseLong(j.time().get(0)) >= second + 2);
    j.flushAll();
    j.set("after", "flush");
    return second;
  }

  /**
   * A Redis 6.2 AOF (one file, no preamble) of ten SETs in db 0, of keys {@code prefix0..9} to
   * {@code v0..9}, written into {@code dir}.
   */
  public static Path tenSets(Path dir, String prefix) {
    try (RedisServer source = start(SIX_TWO, dir, false);
        Jedis j = source.client()) {
      for (int i = 0; i < 10; i++) {
        j.set(prefix + i, "v" + i);
      }
    }
    return dir.resolve("appendonly.aof");
  }
}
