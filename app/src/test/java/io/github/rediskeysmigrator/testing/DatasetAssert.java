package io.github.rediskeysmigrator.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Compares what two real servers hold, the way a user would check a migration. */
public final class DatasetAssert {
  private DatasetAssert() {}

  private static final String MARKER_PREFIX_HEX =
      HexFormat.of()
          .formatHex("redis-keys-migrator:sync-checkpoint:".getBytes(StandardCharsets.UTF_8));

  /** Every key of the client's current db, hex-encoded so binary names compare exactly. */
  public static Set<String> keys(Jedis j) {
    Set<String> keys = new TreeSet<>();
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    do {
      ScanResult<byte[]> r = j.scan(cursor, new ScanParams().count(1000));
      for (byte[] k : r.getResult()) {
        keys.add(HexFormat.of().formatHex(k));
      }
      cursor = r.getCursorAsBytes();
    } while (!new String(cursor, StandardCharsets.US_ASCII).equals("0"));
    return keys;
  }

  /**
   * Asserts that {@code actual}'s current db holds exactly the keys of {@code expected}'s current
   * db, with the same type, the same DUMP payload (servers of one version) and the same absolute
   * expiry to the millisecond.
   */
  public static void assertSameDataset(Jedis expected, Jedis actual) {
    Set<String> want = keys(expected);
    Set<String> got = keys(actual);
    // sync keeps its checkpoint marker at the destination; it is ours, not the source's.
    got.removeIf(hex -> hex.startsWith(MARKER_PREFIX_HEX));
    if (!want.equals(got)) {
      Set<String> missing = new TreeSet<>(want);
      missing.removeAll(got);
      Set<String> extra = new TreeSet<>(got);
      extra.removeAll(want);
      fail("key sets differ; missing " + printable(missing) + ", unexpected " + printable(extra));
    }
    for (String hex : want) {
      byte[] key = HexFormat.of().parseHex(hex);
      String name = printable(List.of(hex)).toString();
      assertEquals(expected.type(key), actual.type(key), "type of " + name);
      assertSameValue(expected, actual, key, name);
      assertEquals(expireTime(expected, key), expireTime(actual, key), "PEXPIRETIME of " + name);
    }
  }

  /**
   * Same value: DUMP payloads must match, except for encodings whose DUMP depends on hash-table
   * iteration order (big sets and hashes), which are compared as collections.
   */
  private static void assertSameValue(Jedis expected, Jedis actual, byte[] key, String name) {
    byte[] want = expected.dump(key);
    byte[] got = actual.dump(key);
    if (java.util.Arrays.equals(want, got)) {
      return;
    }
    switch (expected.type(key)) {
      case "set" ->
          assertEquals(
              hexSet(expected.smembers(key)), hexSet(actual.smembers(key)), "members of " + name);
      case "hash" -> {
        java.util.Map<String, String> w = new java.util.TreeMap<>();
        expected.hgetAll(key).forEach((f, v) -> w.put(hex(f), hex(v)));
        java.util.Map<String, String> g = new java.util.TreeMap<>();
        actual.hgetAll(key).forEach((f, v) -> g.put(hex(f), hex(v)));
        assertEquals(w, g, "fields of " + name);
      }
      case "stream" ->
          assertEquals(streamState(expected, key), streamState(actual, key), "stream " + name);
      default -> assertArrayEquals(want, got, "DUMP of " + name);
    }
  }

  /**
   * What a stream holds, without the consumers' seen/active times, which a server sets when it
   * applies the commands (a replica's differ from its master's too).
   */
  private static List<Object> streamState(Jedis j, byte[] key) {
    List<Object> state = new ArrayList<>();
    state.add(render(j.sendCommand(() -> bytes("XRANGE"), key, bytes("-"), bytes("+"))));
    Set<String> varying =
        Set.of("first-entry", "last-entry", "radix-tree-keys", "radix-tree-nodes");
    state.addAll(
        keptFields(
            (List<?>) j.sendCommand(() -> bytes("XINFO"), bytes("STREAM"), key),
            f -> !varying.contains(f)));
    List<?> groups = (List<?>) j.sendCommand(() -> bytes("XINFO"), bytes("GROUPS"), key);
    for (Object g : groups) {
      List<?> gf = (List<?>) g;
      // entries-read and lag are left out: Redis 7.0 does not propagate entries-read for
      // XREADGROUP, so a real replica shows it empty too (checked against replicaof).
      state.add(group(gf, f -> !f.equals("entries-read") && !f.equals("lag")));
      addPending(j, key, (byte[]) gf.get(1), state);
    }
    return state;
  }

  /** The field=value pairs of a flat XINFO reply whose field passes {@code keep}. */
  private static List<String> keptFields(List<?> pairs, Predicate<String> keep) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      String f = render(pairs.get(i));
      if (keep.test(f)) {
        kept.add(f + "=" + render(pairs.get(i + 1)));
      }
    }
    return kept;
  }

  private static String group(List<?> groupInfo, Predicate<String> keep) {
    StringBuilder group = new StringBuilder("group");
    keptFields(groupInfo, keep).forEach(field -> group.append(' ').append(field));
    return group.toString();
  }

  /** Adds a group's pending entries: id, consumer and delivery count (idle time differs). */
  private static void addPending(Jedis j, byte[] key, byte[] groupName, List<Object> state) {
    List<?> pending =
        (List<?>)
            j.sendCommand(
                () -> bytes("XPENDING"), key, groupName, bytes("-"), bytes("+"), bytes("1000000"));
    for (Object p : pending) {
      List<?> pf = (List<?>) p;
      state.add("pending " + render(pf.get(0)) + " " + render(pf.get(1)) + " " + pf.get(3));
    }
  }

  private static String render(Object o) {
    if (o instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (o instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (Object e : list) {
        sb.append(render(e)).append(' ');
      }
      return sb.append(']').toString();
    }
    return String.valueOf(o);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static Set<String> hexSet(Set<byte[]> members) {
    Set<String> out = new TreeSet<>();
    members.forEach(m -> out.add(hex(m)));
    return out;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /**
   * Asserts that {@code actual}'s current db holds the same keys, types and values as {@code
   * expected}'s, read with commands (LRANGE, SMEMBERS, ZRANGE WITHSCORES, HGETALL, XRANGE, XINFO,
   * XPENDING) rather than DUMP, so servers of different versions compare; expiries may differ by
   * {@code ttlToleranceMs} (0 on 7.0+, where PEXPIRETIME is exact). Stream metadata only one of the
   * two versions has (entries-added, max-deleted-entry-id, entries-read) is left out.
   */
  public static void assertSameContent(Jedis expected, Jedis actual, long ttlToleranceMs) {
    Set<String> want = keys(expected);
    Set<String> got = keys(actual);
    assertEquals(printable(want), printable(got), "key sets");
    for (String hex : want) {
      assertSameKey(expected, actual, HexFormat.of().parseHex(hex), ttlToleranceMs);
    }
  }

  /**
   * Asserts that {@code key} has the same type, value (read with commands, as in {@link
   * #assertSameContent}) and expiry (within {@code ttlToleranceMs}) on both servers, and for a hash
   * the same field expiry times where both servers have hash field TTLs.
   */
  public static void assertSameKey(Jedis expected, Jedis actual, byte[] key, long ttlToleranceMs) {
    String name = printable(List.of(HexFormat.of().formatHex(key))).toString();
    String type = expected.type(key);
    assertEquals(type, actual.type(key), "type of " + name);
    assertEquals(content(expected, key, type), content(actual, key, type), "value of " + name);
    long we = absoluteExpiry(expected, key);
    long ga = absoluteExpiry(actual, key);
    if (we < 0 || ga < 0 || Math.abs(we - ga) > ttlToleranceMs) {
      assertEquals(we, ga, "expiry of " + name);
    }
    if (type.equals("hash")) {
      java.util.Map<String, Long> wf = fieldExpiries(expected, key);
      java.util.Map<String, Long> gf = fieldExpiries(actual, key);
      if (wf != null && gf != null) {
        assertEquals(wf, gf, "field expiries of " + name);
      }
    }
  }

  /**
   * Each field's absolute expiry (HPEXPIRETIME; -1 without one), or null on a server without hash
   * field TTLs.
   */
  public static java.util.Map<String, Long> fieldExpiries(Jedis j, byte[] key) {
    List<byte[]> fields = new ArrayList<>(j.hkeys(key));
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    if (fields.isEmpty()) {
      return out;
    }
    byte[][] args = new byte[3 + fields.size()][];
    args[0] = key;
    args[1] = bytes("FIELDS");
    args[2] = bytes(String.valueOf(fields.size()));
    for (int i = 0; i < fields.size(); i++) {
      args[3 + i] = fields.get(i);
    }
    List<?> times;
    try {
      times = (List<?>) j.sendCommand(() -> bytes("HPEXPIRETIME"), args);
    } catch (redis.clients.jedis.exceptions.JedisDataException e) {
      return null;
    }
    for (int i = 0; i < fields.size(); i++) {
      out.put(hex(fields.get(i)), (Long) times.get(i));
    }
    return out;
  }

  private static Object content(Jedis j, byte[] key, String type) {
    return switch (type) {
      case "string" -> hex(j.get(key));
      case "list" -> j.lrange(key, 0, -1).stream().map(DatasetAssert::hex).toList();
      case "set" -> hexSet(j.smembers(key));
      case "zset" -> {
        java.util.Map<String, Double> m = new java.util.TreeMap<>();
        j.zrangeWithScores(key, 0, -1).forEach(t -> m.put(hex(t.getBinaryElement()), t.getScore()));
        yield m;
      }
      case "hash" -> {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        j.hgetAll(key).forEach((f, v) -> m.put(hex(f), hex(v)));
        yield m;
      }
      case "stream" -> portableStreamState(j, key);
      default -> hex(j.dump(key));
    };
  }

  /** A stream's entries, last id, groups, consumers and pending entries: what every version has. */
  private static List<Object> portableStreamState(Jedis j, byte[] key) {
    List<Object> state = new ArrayList<>();
    state.add(render(j.sendCommand(() -> bytes("XRANGE"), key, bytes("-"), bytes("+"))));
    Set<String> portable = Set.of("length", "last-generated-id", "groups");
    state.addAll(
        keptFields(
            (List<?>) j.sendCommand(() -> bytes("XINFO"), bytes("STREAM"), key),
            portable::contains));
    Set<String> portableGroup = Set.of("name", "consumers", "pending", "last-delivered-id");
    List<?> groups = (List<?>) j.sendCommand(() -> bytes("XINFO"), bytes("GROUPS"), key);
    for (Object g : groups) {
      List<?> gf = (List<?>) g;
      byte[] groupName = (byte[]) gf.get(1);
      state.add(group(gf, portableGroup::contains));
      List<?> consumers =
          (List<?>) j.sendCommand(() -> bytes("XINFO"), bytes("CONSUMERS"), key, groupName);
      for (Object c : consumers) {
        List<?> cf = (List<?>) c;
        state.add("consumer " + render(cf.get(1)) + " pending=" + cf.get(3));
      }
      addPending(j, key, groupName, state);
    }
    return state;
  }

  /** Absolute expiry in ms (-1 none), from PTTL on servers without PEXPIRETIME. */
  public static long absoluteExpiry(Jedis j, byte[] key) {
    try {
      return expireTime(j, key);
    } catch (redis.clients.jedis.exceptions.JedisDataException e) {
      long pttl = j.pttl(key);
      return pttl < 0 ? pttl : System.currentTimeMillis() + pttl;
    }
  }

  /** PEXPIRETIME (Redis 7.0+): absolute expiry in ms, -1 without TTL. */
  public static long expireTime(Jedis j, byte[] key) {
    Object r = j.sendCommand(() -> "PEXPIRETIME".getBytes(StandardCharsets.US_ASCII), key);
    return (Long) r;
  }

  private static List<String> printable(Iterable<String> hexKeys) {
    List<String> out = new ArrayList<>();
    for (String h : hexKeys) {
      out.add(new String(HexFormat.of().parseHex(h), StandardCharsets.UTF_8));
    }
    return out;
  }
}
