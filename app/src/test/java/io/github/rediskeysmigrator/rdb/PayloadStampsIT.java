package io.github.rediskeysmigrator.rdb;

import static io.github.rediskeysmigrator.testing.Commands.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.RestoreParams;

/**
 * Every row of {@link PayloadStamps}' table proved against real servers: the DUMP payloads of every
 * type and encoding that Redis 7.4, Redis 8.6 and Valkey 9.1 write, for each destination that
 * refuses their RDB version (Redis 8.6 and 7.4, Valkey 9.1 and 8.0, Redis 7.0 and 6.2). A payload
 * the table calls readable is restamped, RESTOREd, and read back with the same value, expiry and
 * field expiries; one it calls unreadable is refused by the destination even when stamped with the
 * destination's own version, so the table gives away nothing it could restore; such a payload is
 * then written again in plain encodings ({@link PlainPayloads}) where its value allows, restored,
 * and read back with the same value and expiry.
 */
class PayloadStampsIT {
  private static final List<String> SOURCES = List.of("redis-7.4.1", "redis-8.6.3", "valkey-9.1.2");
  private static final List<String> DESTINATIONS =
      List.of(
          "redis-8.6.3",
          "valkey-9.1.2",
          "valkey-8.0.1",
          "redis-7.4.1",
          "redis-7.0.15",
          "redis-6.2.11");

  private static final Map<String, RedisServer> sources = new LinkedHashMap<>();
  private static final Map<String, RedisServer> destinations = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    for (String name : SOURCES) {
      RedisServer server = RedisServer.startShared(name);
      sources.put(name, server);
      try (Jedis j = server.client()) {
        fill(j, name);
      }
    }
    for (String name : DESTINATIONS) {
      destinations.put(
          name,
          name.equals("redis-7.0.15") ? RedisServer.startDebian() : RedisServer.startShared(name));
    }
  }

  @AfterAll
  static void stop() {
    sources.values().forEach(RedisServer::close);
    destinations.values().forEach(RedisServer::close);
  }

  /** Every type and encoding the server writes, with key and field expiries. */
  private static void fill(Jedis j, String name) {
    SampleData.fillAllTypes(j, "");
    long soon = System.currentTimeMillis() + 3_600_000L;
    long later = soon + 60_000L;
    // A small hash with field TTLs (listpack) and a big one (hash table), on both sides of the
    // Redis/Valkey split: Redis 7.4+ writes them as types 24/25, Valkey 9 as its own 22.
    j.hset("hfe:small", Map.of("a", "1", "b", "2", "c", "3"));
    fieldTtl(j, "hfe:small", soon, "a");
    fieldTtl(j, "hfe:small", later, "b");
    Map<String, String> big = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      big.put("f" + i, "v".repeat(80) + i);
    }
    j.hset("hfe:big", big);
    fieldTtl(j, "hfe:big", soon, "f1", "f2");
    j.pexpireAt("hfe:big", later + 60_000L);
    if (name.equals("redis-8.6.3")) {
      // Streams of Redis 8.6 are all type 26: one with idempotent-producer ids, one without.
      command(j, "XADD", "idmp:stream", "IDMP", "producer-1", "iid-1", "*", "f", "v");
      command(j, "XADD", "idmp:stream", "IDMP", "producer-1", "iid-2", "*", "f", "w");
    }
  }

  private static void fieldTtl(Jedis j, String key, long atMs, String... fields) {
    List<String> args = new ArrayList<>(List.of(key, String.valueOf(atMs), "FIELDS"));
    args.add(String.valueOf(fields.length));
    args.addAll(List.of(fields));
    command(j, "HPEXPIREAT", args.toArray(String[]::new));
  }

  @TestFactory
  Stream<DynamicTest> eachPayloadIsRestampedExactlyWhereTheDestinationReadsItsType() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String source : SOURCES) {
      for (String dest : DESTINATIONS) {
        if (!dest.equals(source)) {
          tests.add(DynamicTest.dynamicTest(source + " into " + dest, () -> check(source, dest)));
        }
      }
    }
    return tests.stream();
  }

  private static void check(String sourceName, String destName) throws Exception {
    int restamped = 0;
    int reencoded = 0;
    List<String> rows = new ArrayList<>();
    try (Jedis s = sources.get(sourceName).client();
        Jedis d = destinations.get(destName).client()) {
      ServerInfo dest = ServerInfo.query(d.getConnection());
      d.flushAll();
      for (String hex : DatasetAssert.keys(s)) {
        byte[] key = HexFormat.of().parseHex(hex);
        byte[] payload = s.dump(key);
        int type = payload[0] & 0xff;
        int version = KeyEvent.rdbVersionOf(payload);
        if (dest.restores(version)) {
          continue;
        }
        long expireAt = DatasetAssert.absoluteExpiry(s, key);
        RestoreParams params = RestoreParams.restoreParams().replace().absTtl();
        long ttl = Math.max(0, expireAt);
        PayloadStamps.Stamped stamped = PayloadStamps.forServer(payload, dest.maxRdbVersion());
        String row = "type " + type + " of RDB " + version + " into " + dest;
        rows.add(row + (stamped == null ? ": rewrite" : ": restamp"));
        if (stamped != null) {
          assertEquals("OK", d.restore(key, ttl, stamped.payload(), params), row);
          // 6.2 has no PEXPIRETIME: its expiries are read as now + PTTL.
          DatasetAssert.assertSameKey(s, d, key, destName.equals("redis-6.2.11") ? 2000 : 0);
          assertEquals(
              type == RdbTypes.STREAM_LISTPACKS_4 && hex.equals(hex("idmp:stream")),
              stamped.idmpLeftOut(),
              row);
          restamped++;
        } else {
          byte[] forced = PayloadStamps.restamp(payload, dest.maxRdbVersion());
          JedisDataException refused =
              assertThrows(
                  JedisDataException.class, () -> d.restore(key, ttl, forced, params), row);
          assertTrue(refused.getMessage().contains("Bad data format"), row + ": " + refused);
          reencoded += checkPlain(s, d, key, payload, dest, row, destName);
        }
      }
    }
    // Redis 8.6 restores Redis 7.4's RDB 12 as it is: no row to prove there.
    assertTrue(restamped > 0 || rows.isEmpty(), "nothing restamped: " + rows);
    if (destName.equals("redis-7.0.15") || destName.equals("redis-6.2.11")) {
      // Neither reads a set listpack (7.2+), which every source writes.
      assertTrue(reencoded > 0, "nothing written again in plain encodings: " + rows);
    }
  }

  /**
   * A payload the destination cannot read even restamped is written again in plain encodings
   * ({@link PlainPayloads}) where its value allows, and then RESTOREd with the same value and
   * expiry; the values it declines are exactly those only commands can write.
   *
   * @return 1 when the payload went in plain encodings, else 0
   */
  private static int checkPlain(
      Jedis s, Jedis d, byte[] key, byte[] payload, ServerInfo dest, String row, String destName)
      throws Exception {
    byte[] plain = PlainPayloads.forServer(payload, dest.maxRdbVersion());
    boolean[] fieldTtl = {false};
    KeyType family = PayloadDecoder.type(payload);
    if (family == KeyType.HASH) {
      PayloadDecoder.decodeHashFields(payload, (f, v, at) -> fieldTtl[0] |= at != -1);
    }
    boolean commandsOnly = family == KeyType.STREAM || family == KeyType.MODULE || fieldTtl[0];
    assertEquals(commandsOnly, plain == null, row + ": plain encodings");
    if (plain == null) {
      return 0;
    }
    long ttl = Math.max(0, DatasetAssert.absoluteExpiry(s, key));
    RestoreParams params = RestoreParams.restoreParams().replace().absTtl();
    assertEquals("OK", d.restore(key, ttl, plain, params), row + " in plain encodings");
    DatasetAssert.assertSameKey(s, d, key, destName.equals("redis-6.2.11") ? 2000 : 0);
    return 1;
  }

  private static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
  }
}
