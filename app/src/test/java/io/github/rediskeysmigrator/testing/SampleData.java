package io.github.rediskeysmigrator.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;

/** Fills a server with keys of every basic type and encoding, binary names and TTLs. */
public final class SampleData {
  private SampleData() {}

  /** Keys written per call of {@link #fillAllTypes}. */
  public static final int ALL_TYPES_KEYS = 21;

  /** Absolute expiry used for keys with a TTL: far enough not to run out during a test. */
  public static long farExpiry() {
    return System.currentTimeMillis() + 3_600_000L;
  }

  /**
   * Fills {@code server} with every type in db 0 and again under "db1:" in db 1, and saves it as
   * {@code file}.
   */
  public static Path allTypesInTwoDbs(RedisServer server, Path file) {
    try (Jedis j = server.client()) {
      fillAllTypes(j, "");
      j.select(1);
      fillAllTypes(j, "db1:");
    }
    return server.saveTo(file);
  }

  /**
   * Fills {@code server}'s db 0 with every type under {@code typesPrefix} and {@code n} strings
   * {@code stringsPrefix0..}, and saves it as {@code file}.
   */
  public static Path allTypesAndStrings(
      RedisServer server, String typesPrefix, String stringsPrefix, int n, Path file) {
    try (Jedis j = server.client()) {
      fillAllTypes(j, typesPrefix);
      fillStrings(j, stringsPrefix, n);
    }
    return server.saveTo(file);
  }

  /** Writes {@link #ALL_TYPES_KEYS} keys under {@code prefix} into the client's current db. */
  public static void fillAllTypes(Jedis j, String prefix) {
    long exp = farExpiry();
    // strings: short, long (raw), integer, binary with NUL and non-UTF-8 bytes
    j.set(prefix + "str:short", "hello");
    j.set(prefix + "str:long", "x".repeat(5000));
    j.set(prefix + "str:int", "12345");
    j.set(b(prefix + "str:bin\u0000key"), new byte[] {0, (byte) 0xff, (byte) 0x80, 10, 13});
    j.set(prefix + "str:ttl", "expires");
    j.pexpireAt(prefix + "str:ttl", exp);
    // lists: small (listpack) and big (quicklist)
    j.rpush(prefix + "list:small", "a", "b", "c");
    for (int i = 0; i < 300; i++) {
      j.rpush(prefix + "list:big", "element-" + i);
    }
    j.pexpireAt(prefix + "list:big", exp);
    // sets: intset, listpack/hashtable
    j.sadd(prefix + "set:int", "1", "2", "3");
    j.sadd(prefix + "set:small", "a", "b");
    for (int i = 0; i < 600; i++) {
      j.sadd(prefix + "set:big", "member-" + i);
    }
    // zsets: small and big, odd scores
    j.zadd(prefix + "zset:small", 1.5, "a");
    j.zadd(prefix + "zset:small", -3, "b");
    j.zadd(prefix + "zset:small", 1e300, "c");
    for (int i = 0; i < 300; i++) {
      j.zadd(prefix + "zset:big", i * 0.25, "m" + i);
    }
    j.pexpireAt(prefix + "zset:big", exp);
    // hashes: small and big
    j.hset(prefix + "hash:small", Map.of("f1", "v1", "f2", "v2"));
    Map<String, String> big = new HashMap<>();
    for (int i = 0; i < 600; i++) {
      big.put("field-" + i, "value-" + i);
    }
    j.hset(prefix + "hash:big", big);
    j.hset(b(prefix + "hash:bin"), b("f\u0000"), new byte[] {(byte) 0xfe, 0});
    // streams: entries, a consumer group with pending entries, and an empty stream with a group
    String stream = prefix + "stream:events";
    for (int i = 0; i < 20; i++) {
      j.xadd(stream, XAddParams.xAddParams(), Map.of("n", String.valueOf(i), "k", "v"));
    }
    j.xgroupCreate(stream, "g1", new StreamEntryID(), false);
    j.xreadGroup(
        "g1",
        "c1",
        XReadGroupParams.xReadGroupParams().count(5),
        Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
    j.xgroupCreate(stream, "g2", StreamEntryID.XGROUP_LAST_ENTRY, false);
    j.xadd(prefix + "stream:trimmed", XAddParams.xAddParams(), Map.of("a", "1"));
    j.xgroupCreate(prefix + "stream:trimmed", "g", StreamEntryID.XGROUP_LAST_ENTRY, false);
    j.pexpireAt(stream, exp);
    // a few more plain keys to round the count up
    for (int i = 0; i < 4; i++) {
      j.set(prefix + "user:" + i, "u" + i);
    }
  }

  /** Writes {@code n} small string keys {@code prefix0..n-1}. */
  public static void fillStrings(Jedis j, String prefix, int n) {
    var p = j.pipelined();
    for (int i = 0; i < n; i++) {
      p.set(prefix + i, "value-" + i);
    }
    p.sync();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
