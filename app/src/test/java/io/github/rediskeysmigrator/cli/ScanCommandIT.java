package io.github.rediskeysmigrator.cli;

import static io.github.rediskeysmigrator.testing.DatasetAssert.assertSameDataset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The {@code scan} command against real servers, including the original script's scenarios. */
class ScanCommandIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @RegisterExtension
  static final RedisServerExtension redis62 = RedisServerExtension.shared("redis-6.2.11");

  @RegisterExtension
  static final RedisServerExtension redis72 = RedisServerExtension.shared("redis-7.2.6");

  @TempDir Path tmp;

  /** The original script's variables pointing at our two servers, plus the error log. */
  private Map<String, String> originalEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("SOURCE_REDIS_HOST", "127.0.0.1");
    env.put("SOURCE_REDIS_PORT", String.valueOf(source.server().port()));
    env.put("DESTINATION_REDIS_HOST", "127.0.0.1");
    env.put("DESTINATION_REDIS_PORT", String.valueOf(dest.server().port()));
    env.put("ERROR_LOG_FILENAME", tmp.resolve("redis-keys-migrator-error.log").toString());
    return env;
  }

  private Tool.Result scan(Map<String, String> env, String... args) {
    List<String> all =
        new ArrayList<>(List.of("scan", "--report", tmp.resolve("r.json").toString()));
    all.addAll(List.of(args));
    return Tool.run(env, all.toArray(String[]::new));
  }

  /** {@code scan} from the source to the destination, the report in r.json. */
  private Tool.Result scanToDest(String... args) {
    return Run.scan(source.uri())
        .to(dest.uri())
        .report(tmp.resolve("r.json"))
        .args(args)
        .inProcess();
  }

  private ReportAssert report() {
    return ReportAssert.of(tmp.resolve("r.json"));
  }

  @Test
  void tenThousandKeysConfiguredOnlyByTheOriginalVariables() throws IOException {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "key:", 10_000);
    }

    Tool.Result r = Tool.run(originalEnv(), "scan");

    assertEquals(0, r.exit(), r::toString);
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertSameDataset(s, d);
    }
    assertTrue(Files.exists(tmp.resolve("redis-keys-migrator-error.log")));
  }

  @Test
  void everyTypeKeepsItsValueAndAbsoluteExpiry() throws IOException {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "");
    }

    Tool.Result r = scanToDest("--scan-count", "7");

    assertEquals(0, r.exit(), r::toString);
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertSameDataset(s, d);
    }
    assertEquals(SampleData.ALL_TYPES_KEYS, report().get("written"));
  }

  private static long bigKeyFiles() throws IOException {
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("rkm-big-key-")).count();
    }
  }

  @Test
  void keysAboveTheBigKeyThresholdAreWrittenInChunks() throws IOException {
    String element = "x".repeat(100);
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "small:");
      for (int i = 0; i < 20_000; i += 1000) {
        String[] chunk = new String[1000];
        java.util.Map<String, String> fields = new HashMap<>();
        java.util.Map<String, Double> scores = new HashMap<>();
        for (int j = 0; j < 1000; j++) {
          chunk[j] = element + (i + j);
          fields.put("f" + (i + j), element);
          scores.put(element + (i + j), (double) (i + j));
        }
        s.rpush("big:list", chunk);
        s.sadd("big:set", chunk);
        s.hset("big:hash", fields);
        s.zadd("big:zset", scores);
      }
      s.pexpire("big:hash", 3_600_000);
    }
    long filesBefore = bigKeyFiles();

    Tool.Result r = scanToDest("--big-key-threshold", "100000");

    assertEquals(0, r.exit(), r::toString);
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertSameDataset(s, d);
    }
    ReportAssert totals = report();
    assertEquals(SampleData.ALL_TYPES_KEYS + 4, totals.get("written"), totals::toString);
    assertEquals(4, totals.get("rewritten"), totals::toString);
    assertEquals(filesBefore, bigKeyFiles(), "temporary payload files left behind");

    // Again: every key exists now; the big ones are skipped too, and leave no file behind.
    Tool.Result again = scanToDest("--big-key-threshold", "100000");
    assertEquals(0, again.exit(), again::toString);
    assertEquals(SampleData.ALL_TYPES_KEYS + 4, report().get("skipped_existing"));
    assertEquals(filesBefore, bigKeyFiles(), "temporary payload files left behind");
  }

  @Test
  void existingKeysAreSkippedAndCounted() throws IOException {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      SampleData.fillStrings(s, "key:", 500);
      d.set("key:7", "destination's own");
    }

    Tool.Result r = Tool.run(originalEnv(), "scan", "--report", tmp.resolve("r.json").toString());

    assertEquals(0, r.exit(), r::toString);
    ReportAssert totals = report();
    assertEquals(499, totals.get("written"));
    assertEquals(1, totals.get("skipped_existing"));
    try (Jedis d = dest.server().client()) {
      assertEquals("destination's own", d.get("key:7"));
    }
  }

  @Test
  void failedKeysGoToTheErrorLogAndTheRunEndsWithTheOriginalMessage() throws IOException {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      SampleData.fillStrings(s, "key:", 50);
      d.configSet("maxmemory", "1");
    }
    try {
      Map<String, String> env = originalEnv();
      env.put("FILEMOD", "a");
      Tool.Result r = Tool.run(env, "scan");

      assertEquals(1, r.exit(), r::toString);
      Path log = tmp.resolve("redis-keys-migrator-error.log");
      assertEquals(
          "Errors occurred during the execution. Check |" + log + "| for details", r.lastLine());
      assertEquals(50, Files.readAllLines(log).size());

      env.put("MAX_ERRORED_KEYS_LIMIT", "10");
      env.put("PIPELINE_BATCH_SIZE", "5");
      env.put("SCAN_BATCH_SIZE", "5");
      Tool.Result stopped = Tool.run(env, "scan");
      assertEquals(4, stopped.exit(), stopped::toString);
      assertTrue(stopped.err().contains("--max-errors (10"), stopped.err());
    } finally {
      dest.server().configSet("maxmemory", "0");
    }
  }

  @Test
  void patternAndDbIndexSelectTheKeys() throws IOException {
    try (Jedis s = source.server().client()) {
      s.select(2);
      SampleData.fillStrings(s, "643", 30);
      SampleData.fillStrings(s, "other", 30);
      s.select(0);
      s.set("6430", "in db 0");
    }
    Map<String, String> env = originalEnv();
    env.put("SOURCE_REDIS_DB_INDEX", "2");
    env.put("DESTINATION_REDIS_DB_INDEX", "5");
    env.put("SCAN_MATCH_PATTERN", "643*");

    Tool.Result r = scan(env);

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize());
      d.select(5);
      assertEquals(30, d.dbSize());
      assertEquals("value-12", d.get("64312"));
      assertNull(d.get("other1"));
    }
  }

  @Test
  void keysExpiringDuringTheScanAreNeverWrittenAndAllAreAccountedFor() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "stays:", 2000);
      var p = s.pipelined();
      for (int i = 0; i < 2000; i++) {
        p.set("fleeting:" + i, "x");
        p.pexpire("fleeting:" + i, 100 + i % 900);
      }
      p.sync();
    }

    // A slow run, so most fleeting keys expire while it goes.
    Tool.Result r = scanToDest("--max-rate", "2500", "--scan-count", "50");

    assertEquals(0, r.exit(), r::toString);
    ReportAssert totals = report();
    totals.addsUp();
    assertEquals(0, totals.get("errors"));
    try (Jedis d = dest.server().client()) {
      assertEquals(2000, d.keys("stays:*").size());
      for (String k : d.keys("fleeting:*")) {
        assertTrue(d.pttl(k) > 0, k + " was written with a TTL");
      }
    }
    assertTrue(totals.get("written") < 4000, totals::toString);
  }

  @Test
  void keysDeletedDuringTheScanAreSkippedAsGone() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "stays:", 3000);
      SampleData.fillStrings(s, "doomed:", 3000);
    }
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong deleted = new AtomicLong();
    Thread deleter =
        new Thread(
            () -> {
              try (Jedis s = source.server().client()) {
                for (int i = 0; i < 3000 && running.get(); i++) {
                  deleted.addAndGet(s.del("doomed:" + i));
                  if (i % 100 == 0) {
                    Thread.sleep(5);
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    deleter.start();
    Tool.Result r;
    try {
      r = scanToDest("--max-rate", "5000", "--scan-count", "20");
    } finally {
      running.set(false);
      deleter.join();
    }

    assertEquals(0, r.exit(), r::toString);
    ReportAssert totals = report();
    totals.addsUp();
    assertEquals(0, totals.get("errors"));
    try (Jedis d = dest.server().client();
        Jedis s = source.server().client()) {
      assertEquals(3000, d.keys("stays:*").size());
      for (String k : d.keys("doomed:*")) {
        assertEquals(d.get(k), "value-" + k.substring("doomed:".length()));
      }
      assertEquals(3000 - deleted.get(), s.keys("doomed:*").size());
    }
  }

  @Test
  void unreachableSourceOrDestinationExits3AtStart() {
    Map<String, String> env = originalEnv();
    env.put("SOURCE_REDIS_PORT", "1");
    Tool.Result noSource = scan(env);
    assertEquals(3, noSource.exit(), noSource::toString);
    assertTrue(noSource.err().contains("source 127.0.0.1:1 is unreachable"), noSource.err());

    Tool.Result noDest = scan(Map.of(), "--from", source.uri(), "--to", "redis://127.0.0.1:1");
    assertEquals(3, noDest.exit(), noDest::toString);
    assertTrue(noDest.err().contains("destination 127.0.0.1:1 is unreachable"), noDest.err());
  }

  @Test
  void sameServerDifferentDbWorksButTheSameDbIsRefused() {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 100);
    }
    Tool.Result same = scan(Map.of(), "--from", source.uri(), "--to", source.uri());
    assertEquals(2, same.exit(), same::toString);

    Tool.Result other = scan(Map.of(), "--from", source.uri(), "--to", source.uri() + "/4");
    assertEquals(0, other.exit(), other::toString);
    try (Jedis s = source.server().client()) {
      s.select(4);
      assertEquals(100, s.dbSize());
    }
  }

  @Test
  void newerSourceIntoOlderDestinationIsRestampedOrRewritten() {
    try (Jedis s = redis72.server().client()) {
      SampleData.fillAllTypes(s, "");
    }
    Tool.Result r = scan(Map.of(), "--from", redis72.uri(), "--to", dest.uri());

    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.err().contains("RDB version 11"), r.err());
    // 7.0 reads every type of 7.2 but the set listpack (set:small) and the third stream encoding
    // (two streams): those are rewritten, the rest restamped with RDB 10 and restored.
    assertTrue(r.out().matches("(?s).*rewritten\\s+3\n.*"), r.out());
    assertTrue(
        r.out().matches("(?s).*restamped\\s+" + (SampleData.ALL_TYPES_KEYS - 3) + "\n.*"), r.out());
    try (Jedis s = redis72.server().client();
        Jedis d = dest.server().client()) {
      DatasetAssert.assertSameContent(s, d, 0);
    }
  }

  @Test
  void olderSourceWithoutPexpiretimeKeepsTtlsByPttl() {
    long expireAt = SampleData.farExpiry();
    try (Jedis s = redis62.server().client()) {
      s.set("t", "v");
      s.pexpireAt("t", expireAt);
      s.set("plain", "v");
    }

    Tool.Result r = scan(Map.of(), "--from", redis62.uri(), "--to", dest.uri());

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      long got = DatasetAssert.expireTime(d, "t".getBytes());
      assertTrue(Math.abs(got - expireAt) < 2000, got + " vs " + expireAt);
      assertEquals(-1, DatasetAssert.expireTime(d, "plain".getBytes()));
    }
  }
}
