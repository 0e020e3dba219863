package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import io.github.rediskeysmigrator.testing.SharedDir;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/**
 * Files written by one Redis version, destinations of another: RESTORE where the destination takes
 * the payload, restamped with the destination's RDB version where it reads the value's type, else
 * the key is rewritten as plain commands, whole or not at all. Tests of the rewrite path use types
 * Redis 7.0 does not read (7.2's set listpack and streams, 7.4's hashes with field TTLs).
 */
class DestinationVersionIT {
  @RegisterExtension
  static final RedisServerExtension redis72 = RedisServerExtension.shared("redis-7.2.6");

  @RegisterExtension
  static final RedisServerExtension redis74 = RedisServerExtension.shared("redis-7.4.1");

  @RegisterExtension
  static final RedisServerExtension redis62 = RedisServerExtension.shared("redis-6.2.11");

  @RegisterExtension static final RedisServerExtension debian = RedisServerExtension.debian();

  @RegisterExtension
  static final RedisServerExtension valkey80 = RedisServerExtension.shared("valkey-8.0.1");

  /** Keys whose braces decide their hash slot in every way there is. */
  private static final List<String> BRACED = List.of("a}{b", "{}x", "{tag}k", "x{y", "{", "}{");

  @TempDir Path tmp;

  private Path sample72() {
    try (Jedis j = redis72.server().client()) {
      SampleData.fillAllTypes(j, "");
      for (String k : BRACED) {
        j.rpush(k, "v1", "v2");
      }
      // Pending entries whose message was deleted, and a consumer with nothing pending.
      j.xadd(
          "s:pel", redis.clients.jedis.params.XAddParams.xAddParams().id("1-1"), Map.of("f", "1"));
      j.xadd(
          "s:pel", redis.clients.jedis.params.XAddParams.xAddParams().id("2-1"), Map.of("f", "2"));
      j.xgroupCreate("s:pel", "g", new redis.clients.jedis.StreamEntryID(), false);
      j.xreadGroup(
          "g",
          "alice",
          redis.clients.jedis.params.XReadGroupParams.xReadGroupParams().count(2),
          Map.of("s:pel", redis.clients.jedis.StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
      j.xdel("s:pel", new redis.clients.jedis.StreamEntryID("1-1"));
      j.xgroupCreateConsumer("s:pel", "g", "idle");
      j.zadd("z:inf", Double.POSITIVE_INFINITY, "top");
      j.zadd("z:inf", Double.NEGATIVE_INFINITY, "bottom");
      j.zadd("z:inf", 0.1, "tenth");
    }
    return redis72.server().saveTo(tmp.resolve("v11.rdb"));
  }

  /** {@code rdb} of two files into Redis 7.0.15, read one after the other in the order given. */
  private Tool.Result rdbInFileOrder(String policy, Path report, Path first, Path second) {
    return Run.rdb(first)
        .args(second.toString(), "--parallel", "1")
        .to(debian.uri())
        .args("--existing", policy, "--error-log", tmp + "/" + policy + ".log")
        .report(report)
        .inProcess();
  }

  private long keys72() {
    try (Jedis j = redis72.server().client()) {
      return j.dbSize();
    }
  }

  /**
   * Keys of {@link #sample72} whose types 7.0 does not read: set:small (a set listpack), streams.
   */
  private static final int REWRITTEN_FOR_70 = 4;

  @Test
  void newerFileIntoRedis70IsRestampedOrRewrittenWithValuesAndExactTtls() throws Exception {
    Path file = sample72();
    Path report = tmp.resolve("r.json");

    Tool.Result r = rdb(file, debian);

    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.err().contains("RDB version 11"), r.err());
    assertTrue(r.err().contains("redis 7.0.15"), r.err());
    assertTrue(r.err().contains("rewritten as plain commands"), r.err());
    ReportAssert totals = ReportAssert.of(report);
    assertEquals(keys72(), totals.get("written"), totals::toString);
    assertEquals(REWRITTEN_FOR_70, totals.get("rewritten"), totals::toString);
    assertEquals(keys72() - REWRITTEN_FOR_70, totals.get("restamped"), totals::toString);
    assertEquals(0, totals.get("restored"), totals::toString);
    assertTrue(r.out().contains("restamped"), r.out());
    try (Jedis s = redis72.server().client();
        Jedis d = debian.server().client()) {
      DatasetAssert.assertSameContent(s, d, 0);
      assertEquals(List.of("bottom", "tenth", "top"), d.zrange("z:inf", 0, -1));
      assertEquals(Double.POSITIVE_INFINITY, d.zscore("z:inf", "top"));
      assertEquals(0.1, d.zscore("z:inf", "tenth"));
    }
  }

  /**
   * The same key in two files read in order ({@code --parallel 1}), rewritten for the older
   * destination both times: the second copy waits until the first one is renamed into place (both
   * would be built under one temporary key), so skip keeps the first file's value and counts the
   * second as existing, and replace ends with the second file's. Before, the second build wiped the
   * first, and its rename found no temporary key ("ERR no such key", exit 1).
   */
  @Test
  void aKeyInTwoFilesIsRewrittenOnceForSkipAndTwiceInFileOrderForReplace() throws Exception {
    Path first;
    Path second;
    try (Jedis j = redis72.server().client()) {
      // Streams of 7.2 (type 21), which 7.0 does not read: rewritten as commands under a
      // temporary key (a small set would go in one RESTORE of plain encodings).
      entries(j, "dup", "first-1", "first-2");
      entries(j, "dup:stream", "from-first");
      j.set("only-first", "1");
      first = redis72.server().saveTo(tmp.resolve("first.rdb"));
      j.flushAll();
      entries(j, "dup", "second");
      entries(j, "dup:stream", "from-second");
      j.set("only-second", "2");
      second = redis72.server().saveTo(tmp.resolve("second.rdb"));
    }
    for (String policy : List.of("skip", "replace")) {
      debian.server().flushAll();
      Path report = tmp.resolve(policy + ".json");
      Tool.Result r = rdbInFileOrder(policy, report, first, second);

      assertEquals(0, r.exit(), policy + ": " + r);
      ReportAssert totals = ReportAssert.of(report);
      assertEquals(6, totals.get("read"), totals::toString);
      assertEquals(0, totals.get("errors"), totals::toString);
      try (Jedis d = debian.server().client()) {
        assertEquals(Set.of("dup", "dup:stream", "only-first", "only-second"), d.keys("*"));
        assertEquals(2, totals.get("restamped"), totals::toString);
        if (policy.equals("skip")) {
          assertEquals(2, totals.get("rewritten"), totals::toString);
          assertEquals(2, totals.get("skipped_existing"), totals::toString);
          assertEquals(List.of("first-1", "first-2"), entries(d, "dup"));
          assertEquals(List.of("from-first"), entries(d, "dup:stream"));
        } else {
          assertEquals(4, totals.get("rewritten"), totals::toString);
          assertEquals(List.of("second"), entries(d, "dup"));
          assertEquals(List.of("from-second"), entries(d, "dup:stream"));
        }
      }
    }
  }

  /**
   * The same key rewritten from the first file and restored from the second ({@code --parallel 1};
   * the second file the destination's own version wrote): the RESTORE waits for the rename, so skip
   * keeps the first file's value, as it would if both were restored.
   */
  @Test
  void aKeyRestoredAfterItsRewriteDoesNotOvertakeTheRename() throws Exception {
    Path first;
    Path second;
    try (Jedis j = redis72.server().client()) {
      // A stream: rewritten as commands for 7.0, then renamed into place.
      entries(j, "dup", "first-1", "first-2");
      first = redis72.server().saveTo(tmp.resolve("first.rdb"));
    }
    try (Jedis j = debian.server().client()) {
      entries(j, "dup", "second");
      second = debian.server().saveTo(tmp.resolve("second.rdb"));
      j.flushAll();
    }
    Path report = tmp.resolve("r.json");

    Tool.Result r = rdbInFileOrder("skip", report, first, second);

    assertEquals(0, r.exit(), r::toString);
    ReportAssert totals = ReportAssert.of(report);
    assertEquals(1, totals.get("rewritten"), totals::toString);
    assertEquals(0, totals.get("restored"), totals::toString);
    assertEquals(1, totals.get("skipped_existing"), totals::toString);
    try (Jedis d = debian.server().client()) {
      assertEquals(Set.of("dup"), d.keys("*"));
      assertEquals(List.of("first-1", "first-2"), entries(d, "dup"));
    }
  }

  /** Adds one stream entry per value ({@code v} = value), in order. */
  private static void entries(Jedis j, String key, String... values) {
    for (String v : values) {
      j.xadd(key, XAddParams.xAddParams(), Map.of("v", v));
    }
  }

  /** The {@code v} of each entry of the stream at {@code key}, in order. */
  private static List<String> entries(Jedis j, String key) {
    return j.xrange(key, (StreamEntryID) null, (StreamEntryID) null).stream()
        .map(e -> e.getFields().get("v"))
        .toList();
  }

  @Test
  void newerFileIntoRedis62IsRestampedOrRewrittenToo() throws Exception {
    Path file = sample72();
    ReportAssert totals = migratedReport(file, redis62);
    // 6.2 reads strings, intsets and the hash table encodings, not 7.0's listpacks.
    assertEquals(keys72(), totals.get("restamped") + totals.get("rewritten"), totals::toString);
    assertTrue(totals.get("restamped") > 0, totals::toString);
    assertTrue(totals.get("rewritten") > totals.get("restamped"), totals::toString);
    try (Jedis s = redis72.server().client();
        Jedis d = redis62.server().client()) {
      // 6.2 has no PEXPIRETIME: expiries are read as now + PTTL.
      DatasetAssert.assertSameContent(s, d, 2000);
    }
  }

  @Test
  void skipLeavesAnExistingKeyIntactOnTheRewritePath() throws Exception {
    Path file = sample72();
    try (Jedis d = debian.server().client()) {
      // Both would be rewritten: a set listpack and a stream of 7.2.
      d.set("set:small", "mine");
      d.rpush("s:pel", "mine");
    }
    ReportAssert totals = migratedReport(file, debian);
    assertEquals(2, totals.get("skipped_existing"), totals::toString);
    assertEquals(REWRITTEN_FOR_70 - 2, totals.get("rewritten"), totals::toString);
    assertEquals(totals.get("read"), totals.get("written") + 2, totals::toString);
    try (Jedis d = debian.server().client()) {
      assertEquals("mine", d.get("set:small"));
      assertEquals(List.of("mine"), d.lrange("s:pel", 0, -1));
      assertEquals(keys72(), d.dbSize(), "no temporary key is left behind");
      assertTrue(d.keys("*rkm-tmp*").isEmpty());
    }
  }

  /** Migrates {@code file} into {@code to}, checks that the run ended well, returns its report. */
  private ReportAssert migratedReport(Path file, RedisServerExtension to) {
    Tool.Result r = rdb(file, to);
    assertEquals(0, r.exit(), r::toString);
    return ReportAssert.of(tmp.resolve("r.json"));
  }

  /** {@code rdb FILE} into {@code to}, its report in r.json. */
  private Tool.Result rdb(Path file, RedisServerExtension to, String... options) {
    return Run.rdb(file)
        .to(to.uri())
        .errorLog(tmp.resolve("e.log"))
        .report(tmp.resolve("r.json"))
        .args(options)
        .inProcess();
  }

  @Test
  void replaceOverwritesAndFailStopsOnTheRewritePath() throws Exception {
    Path file = sample72();
    try (Jedis d = debian.server().client()) {
      d.set("set:small", "mine");
    }

    Tool.Result replaced = rdb(file, debian, "--existing", "replace");

    assertEquals(0, replaced.exit(), replaced::toString);
    try (Jedis d = debian.server().client()) {
      assertEquals(Set.of("a", "b"), d.smembers("set:small"));
      d.flushAll();
      d.set("set:small", "mine");
    }

    Tool.Result failed = rdb(file, debian, "--existing", "fail");

    assertEquals(4, failed.exit(), failed::toString);
    try (Jedis d = debian.server().client()) {
      assertEquals("mine", d.get("set:small"));
      assertTrue(d.keys("*rkm-tmp*").isEmpty());
    }
  }

  @Test
  void hashFieldTtlsTheDestinationLacksAreLoggedPerKeyAndNotWritten() throws Exception {
    try (Jedis j = redis74.server().client()) {
      j.hset("hfe", Map.of("a", "1", "b", "2"));
      j.sendCommand(
          () -> "HPEXPIREAT".getBytes(StandardCharsets.US_ASCII),
          "hfe",
          String.valueOf(SampleData.farExpiry()),
          "FIELDS",
          "1",
          "a");
      j.hset("plain", Map.of("a", "1"));
      j.set("s", "v");
    }
    Path file = redis74.server().saveTo(tmp.resolve("v12.rdb"));
    Path report = tmp.resolve("r.json");
    Path errors = tmp.resolve("e.log");

    Tool.Result r = Run.rdb(file).to(debian.uri()).errorLog(errors).report(report).inProcess();

    assertEquals(1, r.exit(), r::toString);
    ReportAssert totals = ReportAssert.of(report);
    assertEquals(3, totals.get("read"), totals::toString);
    assertEquals(2, totals.get("restamped") + totals.get("rewritten"), totals::toString);
    assertEquals(1, totals.get("errors"), totals::toString);
    List<String> lines = Files.readAllLines(errors);
    assertEquals(1, lines.size(), lines::toString);
    assertTrue(lines.get(0).contains("hfe"), lines.get(0));
    assertTrue(lines.get(0).contains("hash field TTLs"), lines.get(0));
    try (Jedis d = debian.server().client()) {
      assertEquals(2, d.dbSize());
      assertEquals("1", d.hget("plain", "a"));
      assertEquals("v", d.get("s"));
    }
  }

  @Test
  void olderFileIntoNewerDestinationKeepsValuesAndTtls() throws Exception {
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
    ReportAssert totals = migratedReport(file, redis72);
    assertEquals(6, totals.get("restored"), totals::toString);
    assertEquals(0, totals.get("rewritten"), totals::toString);
    try (Jedis d = redis72.server().client();
        Jedis s = redis62.server().client()) {
      assertEquals("1", d.get("a"));
      assertEquals(List.of("x", "y"), d.lrange("l", 0, -1));
      assertEquals("v", d.hget("h", "f"));
      assertEquals(2.5, d.zscore("z", "m"));
      assertEquals(java.util.Set.of("1", "2"), d.smembers("s"));
      long pttl = d.pttl("t");
      long sourcePttl = s.pttl("t");
      assertTrue(Math.abs(pttl - sourcePttl) < 2000, pttl + " vs " + sourcePttl);
      assertTrue(DatasetAssert.expireTime(d, "t".getBytes()) > 0);
    }
  }

  /** The corpus' Valkey 9 snapshots (VALKEY080): a slot import, slot info, a hash with TTLs. */
  private static String[] valkeyNineFiles() {
    Path dir = SharedDir.corpus().resolve("public").toAbsolutePath();
    return new String[] {
      dir.resolve("HDT3213--rdb--valkey_cluster_slot_import.rdb").toString(),
      dir.resolve("HDT3213--rdb--valkey_cluster_slot_info.rdb").toString(),
      dir.resolve("HDT3213--rdb--valkey_hash2_with_hfe.rdb").toString()
    };
  }

  private Tool.Result rdbOfValkeyNine(String to, Path report) {
    List<String> args = new java.util.ArrayList<>(List.of("rdb"));
    args.addAll(List.of(valkeyNineFiles()));
    args.addAll(List.of("--to", to, "--error-log", tmp + "/e.log", "--report", report.toString()));
    return Tool.run(args.toArray(String[]::new));
  }

  @Test
  void valkeyNineSnapshotsKeepTheirHashFieldTtlsInRedis74() throws Exception {
    Path report = tmp.resolve("r.json");

    Tool.Result r = rdbOfValkeyNine(redis74.uri(), report);

    assertEquals(0, r.exit(), r::toString);
    ReportAssert totals = ReportAssert.of(report);
    assertEquals(2, totals.get("read"), totals::toString);
    assertEquals(2, totals.get("restored"), totals::toString);
    try (Jedis d = redis74.server().client()) {
      assertEquals(2, d.dbSize());
      assertEquals("value", d.get("{6ZJ}:fixture"));
      assertEquals(Map.of("F1", "V1", "F2", "V2", "F3", "V3"), d.hgetAll("hash2-hfe"));
      // As Valkey 9.0.1 saved them: absolute expiries in ms, F3 without one.
      assertEquals(
          List.of(2715785640000L, 2400425640000L, -1L),
          d.hpexpireTime("hash2-hfe", "F1", "F2", "F3"));
    }

    // verify compares the field TTLs too: the same, then one changed at the destination.
    String hashFile = valkeyNineFiles()[2];
    Tool.Result same = Run.verify(hashFile).to(redis74.uri()).inProcess();
    assertEquals(0, same.exit(), same::toString);
    try (Jedis d = redis74.server().client()) {
      d.hpexpire("hash2-hfe", 100_000, "F3");
    }
    Tool.Result changed = Run.verify(hashFile).to(redis74.uri()).inProcess();
    assertEquals(6, changed.exit(), changed::toString);
    assertTrue(
        changed
            .out()
            .contains(
                "\"hash2-hfe\": TTL differs: hash field 'F3': the source never expires, the"
                    + " destination at "),
        changed.out());
  }

  @Test
  void valkeyNineHashWithFieldTtlsIsAnErrorWhereTheyCannotBeKept() throws Exception {
    // Valkey 8 restores the RDB 11 payloads of a Valkey 9 file; Redis 7.0 gets them rewritten.
    for (RedisServerExtension dest : List.of(valkey80, debian)) {
      Path report = tmp.resolve("r.json");

      Tool.Result r = rdbOfValkeyNine(dest.uri(), report);

      assertEquals(1, r.exit(), r::toString);
      ReportAssert totals = ReportAssert.of(report);
      assertEquals(1, totals.get("written"), totals::toString);
      assertEquals(dest == valkey80 ? 1 : 0, totals.get("restored"), totals::toString);
      assertEquals(1, totals.get("errors"), totals::toString);
      List<String> errors = Files.readAllLines(tmp.resolve("e.log"));
      assertEquals(1, errors.size(), errors::toString);
      assertTrue(errors.get(0).contains("key=\"hash2-hfe\""), errors.get(0));
      assertTrue(errors.get(0).contains("hash field TTLs"), errors.get(0));
      try (Jedis d = dest.server().client()) {
        assertEquals("value", d.get("{6ZJ}:fixture"));
        assertEquals(false, d.exists("hash2-hfe"));
      }
    }
  }

  @Test
  void redis86StreamsAreRewrittenWithoutTheirIdmpStateAndEachKeySaysSo() throws Exception {
    // RDB 13 (Redis 8.6): a stream of type 26 with two producers' idempotent ids. Redis 7.4 and
    // 7.0 hold the stream, not the ids; verify then compares the stream without them.
    String file =
        SharedDir.corpus()
            .resolve("public/" + io.github.rediskeysmigrator.testing.Rdb13Streams.FILE)
            .toString();
    String key = io.github.rediskeysmigrator.testing.Rdb13Streams.KEY;
    for (RedisServerExtension dest : List.of(redis74, debian)) {
      Path report = tmp.resolve("r.json");
      Path errors = tmp.resolve("e.log");

      Tool.Result r =
          Tool.run(
              "rdb",
              file,
              "--to",
              dest.uri(),
              "--error-log",
              errors.toString(),
              "--report",
              report.toString());

      assertEquals(0, r.exit(), r::toString);
      ReportAssert totals = ReportAssert.of(report);
      // 7.4 reads the stream as type 21 (restamped), 7.0 does not (rewritten).
      assertEquals(1, totals.get(dest == redis74 ? "restamped" : "rewritten"), totals::toString);
      assertEquals(1, totals.get("idmp_left_out"), totals::toString);
      assertTrue(r.out().contains("without IDMP"), r.out());
      List<String> notes = Files.readAllLines(errors);
      assertEquals(1, notes.size(), notes::toString);
      assertTrue(notes.get(0).contains(" NOTE db=0 key=\"" + key + "\" type=stream"), notes.get(0));
      assertTrue(notes.get(0).contains("without its IDMP state"), notes.get(0));
      try (Jedis d = dest.server().client()) {
        assertEquals(3, d.xlen(key));
        assertEquals(
            List.of("1771945454291-0", "1771945454291-1", "1771945454291-2"),
            d.xrange(key, "-", "+").stream().map(e -> e.getID().toString()).toList());
        assertEquals(
            List.of("group1", "group2"),
            d.xinfoGroups(key).stream().map(g -> g.getName()).toList());
        // librdb's reading: each group has 1771945454291-0 pending, delivered once.
        for (String g : List.of("group1", "group2")) {
          var pending =
              d.xpending(
                  key, g, redis.clients.jedis.params.XPendingParams.xPendingParams("-", "+", 10));
          assertEquals(1, pending.size());
          assertEquals("1771945454291-0", pending.get(0).getID().toString());
          assertEquals(1, pending.get(0).getDeliveredTimes());
        }
      }

      Path verifyReport = tmp.resolve("v.json");
      Tool.Result v = Run.verify(file).to(dest.uri()).report(verifyReport).inProcess();
      assertEquals(0, v.exit(), v::toString);
      assertTrue(v.out().contains("1 stream compared without its IDMP state (RDB 13)"), v.out());
      ReportAssert verified = ReportAssert.of(verifyReport);
      assertEquals(1, verified.get("identical"), verified::toString);
      assertEquals(1, verified.get("idmp_not_compared"), verified::toString);

      // Leaving the IDMP state out hides nothing else: a changed entry is a difference.
      try (Jedis d = dest.server().client()) {
        d.xdel(key, new redis.clients.jedis.StreamEntryID("1771945454291-2"));
      }
      Tool.Result changed = Run.verify(file).to(dest.uri()).inProcess();
      assertEquals(6, changed.exit(), changed::toString);
      try (Jedis d = dest.server().client()) {
        d.flushAll();
      }
    }
  }
}
