package io.github.rediskeysmigrator.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.LibraryInfo;
import redis.clients.jedis.resps.ScanResult;

/**
 * Compares what two servers of the same version hold: in every db the same keys, each with the same
 * type, DUMP payload and PEXPIRETIME, and the same function libraries. Where DUMP payloads differ
 * only because a hash table's order differs (sets, hashes), the members, fields and field TTLs are
 * compared instead. Pipelined, so files with many keys stay fast.
 */
final class SameContent {
  private static final int DBS = 16;
  private static final int BATCH = 1000;
  private static final int MAX_REPORTED = 8;

  private SameContent() {}

  /** What differs between {@code expected} and {@code actual}; empty when they agree. */
  static List<String> differences(Jedis expected, Jedis actual) {
    List<String> diffs = new ArrayList<>();
    for (int db = 0; db < DBS && diffs.size() < MAX_REPORTED; db++) {
      expected.select(db);
      actual.select(db);
      compareDb(db, expected, actual, diffs);
    }
    expected.select(0);
    actual.select(0);
    List<String> want = libraries(expected);
    List<String> got = libraries(actual);
    if (!want.equals(got)) {
      diffs.add("function libraries: expected " + want + ", got " + got);
    }
    return diffs.size() > MAX_REPORTED ? diffs.subList(0, MAX_REPORTED) : diffs;
  }

  private static void compareDb(int db, Jedis expected, Jedis actual, List<String> diffs) {
    TreeSet<String> want = keys(expected);
    TreeSet<String> got = keys(actual);
    for (String k : want) {
      if (!got.contains(k)) {
        diffs.add("db " + db + ": missing " + printable(k));
      }
    }
    for (String k : got) {
      if (!want.contains(k)) {
        diffs.add("db " + db + ": unexpected " + printable(k));
      }
    }
    List<byte[]> common = new ArrayList<>();
    for (String k : want) {
      if (got.contains(k)) {
        common.add(HexFormat.of().parseHex(k));
      }
    }
    for (int i = 0; i < common.size() && diffs.size() < MAX_REPORTED; i += BATCH) {
      List<byte[]> batch = common.subList(i, Math.min(common.size(), i + BATCH));
      List<Object[]> w = describe(expected, batch);
      List<Object[]> g = describe(actual, batch);
      for (int j = 0; j < batch.size(); j++) {
        compareKey(db, batch.get(j), w.get(j), g.get(j), expected, actual, diffs);
      }
    }
  }

  /** Type, DUMP and PEXPIRETIME of each key, in one round trip. */
  private static List<Object[]> describe(Jedis j, List<byte[]> keys) {
    List<Response<?>[]> responses = new ArrayList<>();
    try (Pipeline p = j.pipelined()) {
      for (byte[] k : keys) {
        responses.add(new Response<?>[] {p.type(k), p.dump(k), p.pexpireTime(k)});
      }
      p.sync();
    }
    List<Object[]> out = new ArrayList<>();
    for (Response<?>[] r : responses) {
      out.add(new Object[] {r[0].get(), r[1].get(), r[2].get()});
    }
    return out;
  }

  private static void compareKey(
      int db,
      byte[] key,
      Object[] want,
      Object[] got,
      Jedis expected,
      Jedis actual,
      List<String> diffs) {
    String name = "db " + db + " key " + printable(HexFormat.of().formatHex(key));
    if (!Objects.equals(want[0], got[0])) {
      diffs.add(name + ": type " + want[0] + ", got " + got[0]);
      return;
    }
    if (!Objects.equals(want[2], got[2])) {
      diffs.add(name + ": PEXPIRETIME " + want[2] + ", got " + got[2]);
    }
    if (Arrays.equals((byte[]) want[1], (byte[]) got[1])) {
      return;
    }
    Object w;
    Object g;
    switch ((String) want[0]) {
      case "set" -> {
        w = hexes(expected.smembers(key));
        g = hexes(actual.smembers(key));
      }
      case "hash" -> {
        w = fields(expected, key);
        g = fields(actual, key);
      }
      default -> {
        w = "DUMP " + HexFormat.of().formatHex((byte[]) want[1]);
        g = "DUMP " + HexFormat.of().formatHex((byte[]) got[1]);
      }
    }
    if (!w.equals(g)) {
      diffs.add(name + ": " + cut(w) + ", got " + cut(g));
    }
  }

  /** Field to value and field TTL (where the server has HPEXPIRETIME), hex-encoded. */
  private static Map<String, String> fields(Jedis j, byte[] key) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<byte[], byte[]> e : j.hgetAll(key).entrySet()) {
      String ttl = "";
      try {
        ttl = " ttl " + j.hpexpireTime(key, e.getKey()).get(0);
      } catch (JedisDataException noFieldTtl) {
        // before 7.4
      }
      out.put(HexFormat.of().formatHex(e.getKey()), HexFormat.of().formatHex(e.getValue()) + ttl);
    }
    return out;
  }

  private static TreeSet<String> hexes(Iterable<byte[]> members) {
    TreeSet<String> out = new TreeSet<>();
    members.forEach(m -> out.add(HexFormat.of().formatHex(m)));
    return out;
  }

  private static TreeSet<String> keys(Jedis j) {
    TreeSet<String> keys = new TreeSet<>();
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    do {
      ScanResult<byte[]> r = j.scan(cursor, new ScanParams().count(BATCH));
      r.getResult().forEach(k -> keys.add(HexFormat.of().formatHex(k)));
      cursor = r.getCursorAsBytes();
    } while (!new String(cursor, StandardCharsets.US_ASCII).equals("0"));
    return keys;
  }

  /** Name, engine and code of each function library, sorted. */
  private static List<String> libraries(Jedis j) {
    List<String> out = new ArrayList<>();
    for (LibraryInfo lib : j.functionListWithCode()) {
      out.add(lib.getLibraryName() + " " + lib.getEngine() + "\n" + lib.getLibraryCode());
    }
    out.sort(null);
    return out;
  }

  private static String printable(String hex) {
    return "'" + new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8) + "'";
  }

  private static String cut(Object o) {
    String s = String.valueOf(o);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
