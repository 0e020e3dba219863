package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/**
 * The {@code verify} command against real servers: migrations by {@code rdb} and {@code scan}
 * verify clean, and every kind of tampering at the destination is found, once, and named.
 */
class VerifyCommandIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  private static final Pattern DIFF_LINE =
      Pattern.compile(
          "\\{\"db\":(\\d+),\"destination_db\":(\\d+),\"key\":\"(.*)\",\"outcome\":\"([a-z_]+)\","
              + "\"details\":\"(.*)\"}");

  @TempDir Path tmp;

  private Tool.Result verify(String... extra) {
    return Run.of("verify")
        .report(tmp.resolve("verify.json"))
        .args("--diff-file", tmp.resolve("diff.jsonl").toString(), "--progress", "never")
        .args(extra)
        .inProcess();
  }

  /** A migration by {@code command}, its report in r.json. */
  private Tool.Result migrate(String command, String... extra) {
    return Run.of(command).args(extra).outputsIn(tmp).inProcess();
  }

  /** Key name to outcome, from the diff file; fails on a key listed twice. */
  private Map<String, String> diffs() throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String line : Files.readAllLines(tmp.resolve("diff.jsonl"))) {
      Matcher m = DIFF_LINE.matcher(line);
      assertTrue(m.matches(), line);
      String previous = out.put(m.group(3), m.group(4));
      assertEquals(null, previous, "listed twice: " + line);
    }
    return out;
  }

  private long field(String name) {
    return ReportAssert.of(tmp.resolve("verify.json")).get(name);
  }

  private Path sampleRdb() {
    return SampleData.allTypesInTwoDbs(source.server(), tmp.resolve("sample.rdb"));
  }

  /** Changes one key of each kind of difference at the destination; returns name -> outcome. */
  private static Map<String, String> tamper(Jedis d) {
    Map<String, String> expected = new TreeMap<>();
    d.del("user:0");
    expected.put("user:0", "missing");
    d.set("str:short", "HELLO");
    expected.put("str:short", "value_differs");
    d.rpush("list:small", "d");
    expected.put("list:small", "value_differs");
    d.lset("list:big", 150, "changed");
    expected.put("list:big", "value_differs");
    d.srem("set:int", "2");
    d.sadd("set:int", "4");
    expected.put("set:int", "value_differs");
    d.sadd("set:big", "extra-member");
    expected.put("set:big", "value_differs");
    d.zadd("zset:small", 1.25, "a");
    expected.put("zset:small", "value_differs");
    long zsetExpiry = (Long) d.sendCommand(() -> "PEXPIRETIME".getBytes(), "zset:big".getBytes());
    d.pexpireAt("zset:big", zsetExpiry + 10_000);
    expected.put("zset:big", "ttl_differs");
    d.hset("hash:small", "f1", "other");
    expected.put("hash:small", "value_differs");
    d.hdel("hash:big", "field-17");
    expected.put("hash:big", "value_differs");
    d.xadd("stream:trimmed", XAddParams.xAddParams(), Map.of("b", "2"));
    expected.put("stream:trimmed", "value_differs");
    d.xgroupSetID("stream:events", "g2", new StreamEntryID(1, 0));
    expected.put("stream:events", "value_differs");
    d.del("str:int");
    d.sadd("str:int", "12345");
    expected.put("str:int", "type_differs");
    d.persist("str:ttl");
    expected.put("str:ttl", "ttl_differs");
    d.pexpireAt("zset:small", SampleData.farExpiry());
    // zset:small and hash:small already differ in value: their TTL difference goes into the
    // details, not into a second line.
    d.pexpire("user:1", 3_600_000L);
    expected.put("user:1", "ttl_differs");
    d.pexpireAt("hash:small", SampleData.farExpiry());
    d.pexpireAt("user:2", System.currentTimeMillis() + 7_200_000L);
    expected.put("user:2", "ttl_differs");
    d.set("only-at-destination", "extra keys are no difference");
    return expected;
  }

  @Test
  void rdbMigrationVerifiesCleanThenEveryTamperedKeyIsReportedOnce() throws IOException {
    Path rdb = sampleRdb();
    Tool.Result migration = migrate("rdb", rdb.toString(), "--to", dest.uri());
    assertEquals(0, migration.exit(), migration::toString);

    Tool.Result clean = verify("--from", rdb.toString(), "--to", dest.uri());

    assertEquals(0, clean.exit(), clean::toString);
    assertEquals(2L * SampleData.ALL_TYPES_KEYS, field("identical"));
    assertEquals(0, field("differences"));
    assertEquals("", Files.readString(tmp.resolve("diff.jsonl")));
    assertTrue(clean.out().contains("the destination matches the source"), clean::toString);

    Map<String, String> expected;
    try (Jedis d = dest.server().client()) {
      expected = tamper(d);
    }

    Tool.Result dirty =
        verify("--from", rdb.toString(), "--to", dest.uri(), "--show", "3", "--pipeline", "5");

    assertEquals(6, dirty.exit(), dirty::toString);
    assertEquals(expected, diffs());
    assertTrue(
        Files.readString(tmp.resolve("diff.jsonl"))
            .contains(
                "\"key\":\"zset:small\",\"outcome\":\"value_differs\",\"details\":\"zset:"
                    + " same size (3 members), different content; also the source never expires"));
    assertEquals(expected.size(), field("differences"));
    assertEquals(2L * SampleData.ALL_TYPES_KEYS - expected.size(), field("identical"));
    assertTrue(
        dirty.out().contains("First 3 of " + expected.size() + " differences:"), dirty::toString);
    assertTrue(
        dirty.out().contains("Every differing key is listed in " + tmp.resolve("diff.jsonl")));
  }

  @Test
  void scanMigrationVerifiesCleanLiveThenTamperedKeysAreReported() throws IOException {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "");
    }
    Tool.Result migration = migrate("scan", "--from", source.uri(), "--to", dest.uri());
    assertEquals(0, migration.exit(), migration::toString);

    Tool.Result clean = verify("--from", source.uri(), "--to", dest.uri(), "--scan-count", "7");

    assertEquals(0, clean.exit(), clean::toString);
    assertEquals(SampleData.ALL_TYPES_KEYS, field("identical"));

    assertTamperingFound();
  }

  @Test
  void everyKeyReadInChunksGivesTheSameDigestAsItsDumpPayload() throws IOException {
    // Threshold 0: every destination key (and every live source key) is read in chunks, while
    // the file's keys are parsed from their payloads; identical data must still be identical.
    Path rdb = sampleRdb();
    assertEquals(0, migrate("rdb", rdb.toString(), "--to", dest.uri()).exit());

    // Small batches: chunked reads happen while the next batch's reads are in flight.
    Tool.Result fromFile =
        verify(
            "--from",
            rdb.toString(),
            "--to",
            dest.uri(),
            "--big-key-threshold",
            "0",
            "--pipeline",
            "4");
    assertEquals(0, fromFile.exit(), fromFile::toString);
    assertEquals(2L * SampleData.ALL_TYPES_KEYS, field("identical"));

    // Small SCAN batches: the source's chunked reads happen with the next batch in flight too.
    Tool.Result live =
        verify(
            "--from",
            source.uri(),
            "--to",
            dest.uri(),
            "--db",
            "0,1",
            "--big-key-threshold",
            "0",
            "--scan-count",
            "3",
            "--pipeline",
            "4");
    assertEquals(0, live.exit(), live::toString);
    assertEquals(2L * SampleData.ALL_TYPES_KEYS, field("identical"));

    try (Jedis d = dest.server().client()) {
      d.hset("hash:big", "field-3", "changed");
      d.lset("list:big", 0, "changed");
    }
    Tool.Result dirty =
        verify("--from", source.uri(), "--to", dest.uri(), "--big-key-threshold", "0");
    assertEquals(6, dirty.exit(), dirty::toString);
    assertEquals(Map.of("hash:big", "value_differs", "list:big", "value_differs"), diffs());
  }

  @Test
  void migrationReportExplainsKeysThatExistedBeforeButNotMissingOnes() throws IOException {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      SampleData.fillStrings(s, "key:", 200);
      d.set("key:3", "was here before");
      d.set("key:4", "was here before");
    }
    Path rdb = source.server().saveTo(tmp.resolve("strings.rdb"));
    assertEquals(0, migrate("rdb", rdb.toString(), "--to", dest.uri()).exit());
    String report = tmp.resolve("r.json").toString();

    Tool.Result plain = verify("--from", rdb.toString(), "--to", dest.uri());
    assertEquals(6, plain.exit(), plain::toString);
    assertEquals(Map.of("key:3", "value_differs", "key:4", "value_differs"), diffs());

    Tool.Result explained =
        verify("--from", rdb.toString(), "--to", dest.uri(), "--existing-report", report);
    assertEquals(0, explained.exit(), explained::toString);
    assertTrue(
        explained.out().contains("all 2 differing keys can be such keys"), explained::toString);
    assertEquals(2, field("may_have_existed_before"));
    assertEquals(2, field("migration_skipped_existing"));
    // Still listed: the report cannot say which keys existed before.
    assertEquals(Map.of("key:3", "value_differs", "key:4", "value_differs"), diffs());

    try (Jedis d = dest.server().client()) {
      d.set("key:5", "tampered after the migration");
    }
    Tool.Result tooMany =
        verify("--from", rdb.toString(), "--to", dest.uri(), "--existing-report", report);
    assertEquals(6, tooMany.exit(), tooMany::toString);
    assertTrue(tooMany.out().contains("at most 2 of the differing keys"), tooMany::toString);

    try (Jedis d = dest.server().client()) {
      d.set("key:5", "value-5");
      d.del("key:6");
    }
    Tool.Result missing =
        verify("--from", rdb.toString(), "--to", dest.uri(), "--existing-report", report);
    assertEquals(6, missing.exit(), missing::toString);
    assertEquals(1, field("missing"));
  }

  @Test
  void usesTheMigrationsFiltersAndDbMapping() throws IOException {
    Path rdb = sampleRdb();
    String[] selection = {"--match", "*:small", "--type", "list,hash", "--db-map", "1=4"};
    List<String> migrateArgs = new ArrayList<>(List.of(rdb.toString(), "--to", dest.uri() + "/2"));
    migrateArgs.addAll(List.of(selection));
    assertEquals(0, migrate("rdb", migrateArgs.toArray(String[]::new)).exit());

    List<String> verifyArgs =
        new ArrayList<>(List.of("--from", rdb.toString(), "--to", dest.uri() + "/2"));
    verifyArgs.addAll(List.of(selection));
    Tool.Result same = verify(verifyArgs.toArray(String[]::new));
    assertEquals(0, same.exit(), same::toString);
    assertEquals(4, field("identical"));
    assertEquals(2L * SampleData.ALL_TYPES_KEYS - 4, field("filtered"));

    // Without the mapping, db 1's keys are looked for in db 2 of the destination.
    Tool.Result unmapped =
        verify(
            "--from",
            rdb.toString(),
            "--to",
            dest.uri() + "/2",
            "--match",
            "*:small",
            "--type",
            "list,hash");
    assertEquals(6, unmapped.exit(), unmapped::toString);
    assertEquals(Map.of("db1:hash:small", "missing", "db1:list:small", "missing"), diffs());
  }

  @Test
  void expiriesWithinTheToleranceAreEqual() throws IOException {
    long at = SampleData.farExpiry();
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      s.set("a", "1");
      s.pexpireAt("a", at);
      d.set("a", "1");
      d.pexpireAt("a", at + 1500);
    }
    Path rdb = source.server().saveTo(tmp.resolve("ttl.rdb"));

    assertEquals(0, verify("--from", rdb.toString(), "--to", dest.uri()).exit());
    Tool.Result strict =
        verify("--from", rdb.toString(), "--to", dest.uri(), "--ttl-tolerance", "1");
    assertEquals(6, strict.exit(), strict::toString);
    assertEquals(Map.of("a", "ttl_differs"), diffs());
    assertTrue(strict.out().contains("1.500 s later (tolerance 1.000 s)"), strict::toString);
  }

  @Test
  void badInputsEndWithTheDocumentedExitCodes() throws IOException {
    Path notRdb = Files.writeString(tmp.resolve("not.rdb"), "hello");
    Path rdb = source.server().saveTo(tmp.resolve("empty.rdb"));

    Tool.Result mixed = verify("--from", source.uri(), rdb.toString(), "--to", dest.uri());
    assertEquals(2, mixed.exit(), mixed::toString);
    assertEquals(
        2,
        verify("--from", rdb.toString(), "--to", dest.uri(), "--big-key-threshold", "lots").exit());
    assertEquals(
        2,
        verify("--from", rdb.toString(), "--to", dest.uri(), "--existing-report", notRdb.toString())
            .exit());
    Tool.Result itself = verify("--from", source.uri(), "--to", source.uri());
    assertEquals(2, itself.exit(), itself::toString);
    assertTrue(itself.err().contains("same database"), itself::toString);

    Tool.Result bad = verify("--from", notRdb.toString(), "--to", dest.uri());
    assertEquals(5, bad.exit(), bad::toString);
    assertTrue(bad.err().contains("is not an RDB file"), bad::toString);
    assertTrue(Files.readString(tmp.resolve("verify.json")).contains("\"exit_code\":5"));

    Path full = sampleRdb();
    byte[] bytes = Files.readAllBytes(full);
    Path truncated =
        Files.write(tmp.resolve("truncated.rdb"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Tool.Result cut = verify("--from", truncated.toString(), "--to", dest.uri(), "--skip-checksum");
    assertEquals(5, cut.exit(), cut::toString);
    assertTrue(cut.err().contains("truncated"), cut::toString);

    Tool.Result unreachable = verify("--from", rdb.toString(), "--to", "redis://127.0.0.1:1");
    assertEquals(3, unreachable.exit(), unreachable::toString);
  }

  @Test
  void maxRatePacesALiveSourceAndProgressGoesToStderr() {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      SampleData.fillStrings(s, "key:", 60);
      SampleData.fillStrings(d, "key:", 60);
    }
    long start = System.nanoTime();
    Tool.Result r =
        Run.verify(source.uri())
            .to(dest.uri())
            .args("--max-rate", "100", "--progress", "always", "--scan-count", "10")
            .inProcess();
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertEquals(0, r.exit(), r::toString);
    // 60 keys at 100 keys/s: the first key goes at once, the last about 590 ms later.
    assertTrue(millis >= 550, "took only " + millis + " ms");
    assertTrue(r.err().contains("verified 60 |"), r::toString);
  }

  @Test
  void syncSnapshotVerifiesCleanThenTamperedKeysAreReported() throws IOException {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "");
    }
    Tool.Result sync =
        migrate(
            "sync",
            "--from",
            source.uri(),
            "--to",
            dest.uri(),
            "--snapshot-only",
            "--checkpoint",
            tmp.resolve("checkpoint").toString());
    assertEquals(0, sync.exit(), sync::toString);

    Tool.Result clean = verify("--from", source.uri(), "--to", dest.uri());
    assertEquals(0, clean.exit(), clean::toString);
    assertEquals(SampleData.ALL_TYPES_KEYS, field("identical"));

    assertTamperingFound();
  }

  /** Tampers with the destination, then verify finds exactly what was tampered with (exit 6). */
  private void assertTamperingFound() throws IOException {
    Map<String, String> expected;
    try (Jedis d = dest.server().client()) {
      expected = tamper(d);
    }
    Tool.Result dirty = verify("--from", source.uri(), "--to", dest.uri());
    assertEquals(6, dirty.exit(), dirty::toString);
    assertEquals(expected, diffs());
  }
}
