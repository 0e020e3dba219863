package io.github.rediskeysmigrator.cli;

import static io.github.rediskeysmigrator.testing.DatasetAssert.assertSameDataset;
import static io.github.rediskeysmigrator.testing.DatasetAssert.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import io.github.rediskeysmigrator.testing.SharedDir;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The {@code rdb} command against real redis-server processes: what lands, what is reported. */
class RdbCommandIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @TempDir Path tmp;

  private Path sampleRdb() {
    return SampleData.allTypesInTwoDbs(source.server(), tmp.resolve("sample.rdb"));
  }

  private Tool.Result rdb(String... extra) {
    return rdb(Map.of(), extra);
  }

  private Tool.Result rdb(Map<String, String> env, String... extra) {
    return rdb(env, Sleeper.SYSTEM, extra);
  }

  private Tool.Result rdb(Map<String, String> env, Sleeper sleeper, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "rdb",
                "--error-log",
                tmp.resolve("errors.log").toString(),
                "--report",
                tmp.resolve("report.json").toString()));
    args.addAll(List.of(extra));
    return Tool.run(env, sleeper, args.toArray(String[]::new));
  }

  private String report() throws IOException {
    return Files.readString(tmp.resolve("report.json"));
  }

  private static void assertField(String json, String field, long value) {
    assertTrue(
        json.contains("\"" + field + "\":" + value + ","), field + "=" + value + " in " + json);
  }

  @Test
  void migratesEveryTypeByteExactWithItsTtl() throws IOException {
    Path file = sampleRdb();

    Tool.Result r = rdb(file.toString(), "--to", dest.uri());

    assertEquals(0, r.exit(), r::toString);
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertSameDataset(s, d);
      s.select(1);
      d.select(1);
      assertSameDataset(s, d);
    }
    String json = report();
    assertField(json, "read", 2L * SampleData.ALL_TYPES_KEYS);
    assertField(json, "written", 2L * SampleData.ALL_TYPES_KEYS);
    assertField(json, "errors", 0);
    assertTrue(json.contains("\"exit_code\":0}"), json);
    assertTrue(r.out().contains("written"), r.out());
  }

  @Test
  void secondRunSkipsEveryExistingKey() throws IOException {
    Path file = sampleRdb();
    assertEquals(0, rdb(file.toString(), "--to", dest.uri()).exit());

    Tool.Result again = rdb(file.toString(), "--to", dest.uri());

    assertEquals(0, again.exit(), again::toString);
    String json = report();
    assertField(json, "written", 0);
    assertField(json, "skipped_existing", 2L * SampleData.ALL_TYPES_KEYS);
    assertTrue(again.out().contains("skipped (existing)   " + 2 * SampleData.ALL_TYPES_KEYS));
  }

  @Test
  void skipLeavesExistingDestinationValuesUntouched() {
    Path file = sampleRdb();
    try (Jedis d = dest.server().client()) {
      d.set("str:short", "destination's own");
    }

    Tool.Result r = rdb(file.toString(), "--to", dest.uri());

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals("destination's own", d.get("str:short"));
      assertEquals("12345", d.get("str:int"));
    }
  }

  @Test
  void replaceOverwritesExistingKeys() throws IOException {
    Path file = sampleRdb();
    try (Jedis d = dest.server().client()) {
      d.set("str:short", "old");
      d.set("list:small", "wrong type");
    }

    Tool.Result r = rdb(file.toString(), "--to", dest.uri(), "--existing", "replace");

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals("hello", d.get("str:short"));
      assertEquals(List.of("a", "b", "c"), d.lrange("list:small", 0, -1));
    }
    assertField(report(), "skipped_existing", 0);
  }

  @Test
  void failPolicyStopsWithExit4AtAnExistingKey() throws IOException {
    Path file = sampleRdb();
    try (Jedis d = dest.server().client()) {
      d.set("str:short", "old");
    }

    Tool.Result r = rdb(file.toString(), "--to", dest.uri(), "--existing", "fail");

    assertEquals(4, r.exit(), r::toString);
    assertTrue(r.err().contains("'str:short'"), r.err());
    assertTrue(r.err().contains("already exists"), r.err());
    try (Jedis d = dest.server().client()) {
      assertEquals("old", d.get("str:short"));
    }
    String json = report();
    assertField(json, "skipped_existing", 1);
    assertTrue(json.contains("\"exit_code\":4}"), json);
  }

  @Test
  void matchDbAndTypeSelectKeys() throws IOException {
    Path file = sampleRdb();

    Tool.Result r =
        rdb(
            file.toString(),
            "--to",
            dest.uri(),
            "--match",
            "*:small",
            "--db",
            "1",
            "--type",
            "list,hash");

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize());
      d.select(1);
      assertEquals(
          java.util.Set.of("db1:list:small", "db1:hash:small"),
          new java.util.TreeSet<>(d.keys("*")));
    }
    String json = report();
    assertField(json, "written", 2);
    assertField(json, "filtered", 2L * SampleData.ALL_TYPES_KEYS - 2);
  }

  @Test
  void explicitDestinationDbAndDbMapRouteKeys() {
    Path file = sampleRdb();

    Tool.Result r = rdb(file.toString(), "--to", dest.uri() + "/5", "--db-map", "1=7");

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      d.select(5);
      assertEquals(SampleData.ALL_TYPES_KEYS, d.dbSize());
      d.select(7);
      assertEquals(SampleData.ALL_TYPES_KEYS, d.dbSize());
      assertTrue(d.exists("db1:str:short"));
    }
  }

  @Test
  void keysExpiredBeforeTheRunAreSkippedAndCounted() throws Exception {
    try (Jedis s = source.server().client()) {
      s.set("stays", "1");
      s.set("goes", "1");
      s.pexpire("goes", 400);
    }
    Path file = source.server().saveTo(tmp.resolve("exp.rdb"));
    Thread.sleep(600);

    Tool.Result r = rdb(file.toString(), "--to", dest.uri());

    assertEquals(0, r.exit(), r::toString);
    assertField(report(), "skipped_expired", 1);
    try (Jedis d = dest.server().client()) {
      assertEquals(java.util.Set.of("stays"), d.keys("*"));
    }
  }

  @Test
  void keyErrorsGoToTheErrorLogAndTheLastLineSaysSo() throws IOException {
    Path file = sampleRdb();
    dest.server().configSet("maxmemory", "1");
    try {
      Tool.Result r = rdb(file.toString(), "--to", dest.uri(), "--max-errors", "0");

      assertEquals(1, r.exit(), r::toString);
      Path log = tmp.resolve("errors.log");
      assertEquals(
          "Errors occurred during the execution. Check |" + log + "| for details", r.lastLine());
      List<String> lines = Files.readAllLines(log);
      assertEquals(2 * SampleData.ALL_TYPES_KEYS, lines.size());
      assertTrue(lines.get(0).contains("OOM"), lines.get(0));
      assertTrue(
          lines.stream().anyMatch(l -> l.contains("key=\"str:bin\\x00key\"")), lines::toString);
      assertField(report(), "errors", 2L * SampleData.ALL_TYPES_KEYS);
    } finally {
      dest.server().configSet("maxmemory", "0");
    }
  }

  @Test
  void errorLogModeWStartsAfreshAndAAppends() throws IOException {
    Path file = sampleRdb();
    Path log = tmp.resolve("errors.log");
    Files.writeString(log, "line from an earlier run\n");
    dest.server().configSet("maxmemory", "1");
    try {
      rdb(Map.of("FILEMOD", "a"), file.toString(), "--to", dest.uri(), "--max-errors", "0");
      List<String> appended = Files.readAllLines(log);
      assertEquals("line from an earlier run", appended.get(0));
      assertEquals(1 + 2 * SampleData.ALL_TYPES_KEYS, appended.size());

      rdb(file.toString(), "--to", dest.uri(), "--max-errors", "0", "--error-log-mode", "w");
      List<String> fresh = Files.readAllLines(log);
      assertEquals(2 * SampleData.ALL_TYPES_KEYS, fresh.size());
      assertFalse(fresh.contains("line from an earlier run"));
    } finally {
      dest.server().configSet("maxmemory", "0");
    }
  }

  @Test
  void maxErrorsStopsTheRunWithExit4() throws IOException {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 5000);
    }
    Path file = source.server().saveTo(tmp.resolve("many.rdb"));
    dest.server().configSet("maxmemory", "1");
    try {
      Tool.Result r =
          rdb(
              Map.of("MAX_ERRORED_KEYS_LIMIT", "10", "PIPELINE_BATCH_SIZE", "5"),
              file.toString(),
              "--to",
              dest.uri());

      assertEquals(4, r.exit(), r::toString);
      assertTrue(r.err().contains("--max-errors (10"), r.err());
      String json = report();
      long errors = Long.parseLong(json.replaceAll(".*\"errors\":(\\d+).*\\s*", "$1"));
      assertTrue(errors >= 10 && errors <= 20, json);
      assertTrue(r.lastLine().startsWith("Errors occurred during the execution."), r.out());
    } finally {
      dest.server().configSet("maxmemory", "0");
    }
  }

  @Test
  void shardFilesAndGzipAreMigratedTogether() throws IOException {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "shard1:", 300);
    }
    Path shard1 = source.server().saveTo(tmp.resolve("backup-0001.rdb"));
    source.server().flushAll();
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "shard2:", 200);
    }
    Path plain2 = source.server().saveTo(tmp.resolve("plain-0002.rdb"));
    Path shard2 = tmp.resolve("backup-0002.rdb.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(shard2))) {
      Files.copy(plain2, out);
    }

    Tool.Result r = rdb(shard1.toString(), shard2.toString(), "--to", dest.uri());

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals(500, d.dbSize());
      assertEquals("value-199", d.get("shard2:199"));
    }
  }

  @Test
  void luaScriptsOfTheEvalCacheAreLeftOutWithANote() throws IOException {
    // redis/librdb's test dump: one "lua" AUX field, as Redis 4-6 wrote the script cache.
    Path file = SharedDir.corpus().resolve("public/redis--librdb--script.rdb").toAbsolutePath();
    Tool.Result r = rdb(file.toString(), "--to", dest.uri());

    assertEquals(0, r.exit(), r::toString);
    assertTrue(
        r.err()
            .contains(
                "note: "
                    + file
                    + " holds 1 Lua script of the EVAL cache; scripts are not migrated (clients load"
                    + " them again with EVAL or SCRIPT LOAD)"),
        r.err());
    assertField(report(), "read", 0);
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize());
    }
  }

  @Test
  void functionLibrariesAreRestoredOnceAndReportedApartFromKeys() throws IOException {
    String code =
        "#!lua name=mylib\nredis.register_function('myecho', function(k, a) return a[1] end)";
    try (Jedis s = source.server().client()) {
      s.functionLoad(code);
      s.set("k", "v");
    }
    Path file = source.server().saveTo(tmp.resolve("fn.rdb"));
    try {
      Tool.Result r = rdb(file.toString(), "--to", dest.uri());

      assertEquals(0, r.exit(), r::toString);
      assertTrue(r.out().contains("1 restored, 0 already there, 0 failed"), r.out());
      assertField(report(), "functions_restored", 1);
      assertField(report(), "read", 1);
      try (Jedis d = dest.server().client()) {
        assertEquals("hi", d.fcall("myecho", List.of(), List.of("hi")));
      }

      Tool.Result again = rdb(file.toString(), "--to", dest.uri());
      assertEquals(0, again.exit(), again::toString);
      assertField(report(), "functions_existing", 1);

      Tool.Result fail = rdb(file.toString(), "--to", dest.uri(), "--existing", "fail");
      assertEquals(4, fail.exit(), fail::toString);
    } finally {
      try (Jedis s = source.server().client();
          Jedis d = dest.server().client()) {
        s.functionFlush();
        d.functionFlush();
      }
    }
  }

  /** An RDB file of 50 string keys. */
  private Path fiftyKeys() {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 50);
    }
    return source.server().saveTo(tmp.resolve("few.rdb"));
  }

  @Test
  void sleepPausesBetweenPipelinesButNotAfterTheLast() throws IOException {
    Path file = fiftyKeys();
    List<Long> pauses = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    Tool.Result r =
        rdb(
            Map.of("SLEEP_TIME", "0.1"),
            pauses::add,
            file.toString(),
            "--to",
            dest.uri(),
            "--pipeline",
            "10");

    assertEquals(0, r.exit(), r::toString);
    // Five pipelines of ten keys: the original script sleeps after each one but the last.
    assertEquals(List.of(100L, 100L, 100L, 100L), pauses);
    assertField(report(), "written", 50);
    try (Jedis d = dest.server().client()) {
      assertEquals(50, d.dbSize());
    }
  }

  @Test
  void sleepAlsoPausesAfterEveryExistingLimitSkippedKeys() throws IOException {
    Path file = fiftyKeys();
    rdb(file.toString(), "--to", dest.uri());
    List<Long> pauses = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    Tool.Result r =
        rdb(
            Map.of("SLEEP_TIME", "0.1", "MAX_PROCESSED_EXISTING_KEYS_LIMIT", "20"),
            pauses::add,
            file.toString(),
            "--to",
            dest.uri(),
            "--pipeline",
            "50");

    assertEquals(0, r.exit(), r::toString);
    // One pipeline (no pause between pipelines), and 50 skipped keys pass the limit twice.
    assertEquals(List.of(100L, 100L), pauses);
    assertField(report(), "skipped_existing", 50);
  }

  @Test
  void dryRunWritesNothing() throws IOException {
    Path file = sampleRdb();

    Tool.Result r = rdb(file.toString(), "--to", dest.uri(), "--dry-run");

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals(0, keys(d).size());
    }
    assertTrue(report().contains("\"dry_run\":true"));
    assertTrue(r.out().contains("would write"), r.out());
  }

  @Test
  void destinationFromTheOriginalVariables() {
    Path file = sampleRdb();
    Map<String, String> env =
        Map.of(
            "DESTINATION_REDIS_HOST", "127.0.0.1",
            "DESTINATION_REDIS_PORT", String.valueOf(dest.server().port()),
            "DESTINATION_REDIS_DB_INDEX", "3",
            "SCAN_MATCH_PATTERN", "user:*");

    Tool.Result r = rdb(env, file.toString(), "--db", "0");

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      d.select(3);
      assertEquals(4, d.dbSize());
      assertNull(d.get("str:short"));
    }
  }

  // ---- bad input: one clear line, exit 5, nothing written

  private Tool.Result assertBadInput(Path file, String expectedProblem, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of(file.toString(), "--to", dest.uri()));
    args.addAll(List.of(extra));
    Tool.Result r = rdb(args.toArray(String[]::new));
    assertEquals(5, r.exit(), r::toString);
    assertTrue(r.err().contains(file.toString()), r.err());
    assertTrue(r.err().contains(expectedProblem), r.err());
    try {
      String json = report();
      assertTrue(json.contains("\"exit_code\":5}"), json);
      assertTrue(json.contains(expectedProblem), json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return r;
  }

  @Test
  void missingFileDirectoryEmptyAndNonRdbFilesAreRejected() throws IOException {
    assertBadInput(tmp.resolve("nope.rdb"), "no such file");
    assertBadInput(tmp, "is a directory");
    Path empty = Files.createFile(tmp.resolve("empty.rdb"));
    assertBadInput(empty, "is empty");
    Path text = Files.writeString(tmp.resolve("notes.rdb"), "these are not the keys you want\n");
    assertBadInput(text, "is not an RDB file");
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize());
    }
  }

  @Test
  void unsupportedVersionIsRejectedAtTheHeader() throws IOException {
    Path file = sampleRdb();
    byte[] bytes = Files.readAllBytes(file);
    System.arraycopy("REDIS0099".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 9);
    Path future = Files.write(tmp.resolve("future.rdb"), bytes);

    assertBadInput(future, "RDB version 99");
  }

  @Test
  void checksumMismatchIsRejectedBeforeAnythingIsWritten() throws IOException {
    Path file = sampleRdb();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Path corrupt = Files.write(tmp.resolve("corrupt.rdb"), bytes);

    assertBadInput(corrupt, "checksum mismatch");
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize());
    }
  }

  @Test
  void truncatedFileIsRejectedBeforeAnythingIsWritten() throws IOException {
    Path file = sampleRdb();
    byte[] bytes = Files.readAllBytes(file);
    Path cut =
        Files.write(tmp.resolve("cut.rdb"), java.util.Arrays.copyOf(bytes, bytes.length / 2));

    assertBadInput(cut, "truncated");
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize());
    }
  }

  @Test
  void truncatedFileWithoutChecksumCheckKeepsWholeKeysAndSaysWhereReadingStopped()
      throws IOException {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 2000);
    }
    Path file = source.server().saveTo(tmp.resolve("full.rdb"));
    byte[] bytes = Files.readAllBytes(file);
    Path cut =
        Files.write(tmp.resolve("cut.rdb"), java.util.Arrays.copyOf(bytes, bytes.length / 2));

    Tool.Result r = assertBadInput(cut, "is truncated", "--skip-checksum");

    assertTrue(r.err().contains("reading stopped after"), r.err());
    String json = report();
    try (Jedis d = dest.server().client()) {
      long n = d.dbSize();
      assertTrue(n > 0 && n < 2000, "some keys, not all: " + n);
      assertField(json, "written", n);
      for (String k : d.keys("*")) {
        assertEquals("value-" + k.substring(1), d.get(k), "key " + k + " is whole");
      }
    }
    assertTrue(json.contains("\"exit_code\":5}"), json);
    assertTrue(json.contains("reading stopped after"), json);
  }

  @Test
  void unreachableDestinationExits3() throws IOException {
    Path file = sampleRdb();

    Tool.Result r = rdb(file.toString(), "--to", "redis://127.0.0.1:1");

    assertEquals(3, r.exit(), r::toString);
    assertTrue(r.err().contains("unreachable"), r.err());
    assertTrue(report().contains("\"exit_code\":3}"));
  }
}
