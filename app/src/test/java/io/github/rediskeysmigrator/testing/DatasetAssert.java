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
    Object info = j.sendCommand(() -> bytes("XINFO"), bytes("STREAM"), key);
    List<?> fields = (List<?>) info;
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      String f = new String((byte[]) fields.get(i), StandardCharsets.UTF_8);
      if (!f.equals("first-entry")
          && !f.equals("last-entry")
          && !f.equals("radix-tree-keys")
          && !f.equals("radix-tree-nodes")) {
        state.add(f + "=" + render(fields.get(i + 1)));
      }
    }
    List<?> groups = (List<?>) j.sendCommand(() -> bytes("XINFO"), bytes("GROUPS"), key);
    for (Object g : groups) {
      List<?> gf = (List<?>) g;
      byte[] groupName = (byte[]) gf.get(1);
      // entries-read and lag are left out: Redis 7.0 does not propagate entries-read for
      // XREADGROUP, so a real replica shows it empty too (checked against replicaof).
      StringBuilder group = new StringBuilder("group");
      for (int i = 0; i + 1 < gf.size(); i += 2) {
        String f = render(gf.get(i));
        if (!f.equals("entries-read") && !f.equals("lag")) {
          group.append(' ').append(f).append('=').append(render(gf.get(i + 1)));
        }
      }
      state.add(group.toString());
      List<?> pending =
          (List<?>)
              j.sendCommand(
                  () -> bytes("XPENDING"),
                  key,
                  groupName,
                  bytes("-"),
                  bytes("+"),
                  bytes("1000000"));
      for (Object p : pending) {
        List<?> pf = (List<?>) p;
        // id, consumer, idle time (differs), delivery count
        state.add("pending " + render(pf.get(0)) + " " + render(pf.get(1)) + " " + pf.get(3));
      }
    }
    return state;
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
