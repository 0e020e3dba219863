package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Keys bigger than --big-key-threshold never sit whole in memory: spilled to a temporary file while
 * the RDB is read, then rewritten from it in chunks under a temporary key renamed into place.
 */
class BigKeyIT {
  @RegisterExtension
  static final RedisServerExtension source =
      RedisServerExtension.debian(
          "--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0");

  @RegisterExtension
  static final RedisServerExtension dest =
      RedisServerExtension.debian("--enable-debug-command", "yes");

  @TempDir Path tmp;

  /** DEBUG DIGEST-VALUE: a digest of the value's elements, whatever their encoding. */
  private static String digest(Jedis j, String key) {
    Object r =
        j.sendCommand(
            () -> "DEBUG".getBytes(StandardCharsets.US_ASCII),
            "DIGEST-VALUE".getBytes(StandardCharsets.US_ASCII),
            key.getBytes(StandardCharsets.UTF_8));
    return new String((byte[]) ((List<?>) r).get(0), StandardCharsets.US_ASCII);
  }

  private static long spilledFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("rkm-big-key-")).count();
    }
  }

  @Test
  void a300MbListAndA2MillionFieldHashMigrateIn256MbOfHeap() throws Exception {
    long expiry = SampleData.farExpiry();
    Random random = new Random(42);
    try (Jedis s = source.server().client()) {
      Pipeline p = s.pipelined();
      byte[] list = "big:list".getBytes(StandardCharsets.US_ASCII);
      // 300,000 incompressible elements of 1,000 bytes: a payload of about 300 MB.
      for (int c = 0; c < 3000; c++) {
        byte[][] elements = new byte[100][];
        for (int i = 0; i < elements.length; i++) {
          elements[i] = new byte[1000];
          random.nextBytes(elements[i]);
        }
        p.rpush(list, elements);
      }
      for (int c = 0; c < 2000; c++) {
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
          int n = c * 1000 + i;
          fields.put("field:" + n, "value-" + n + "-" + Integer.toHexString(n * 31));
        }
        p.hset("big:hash", fields);
      }
      p.pexpireAt("big:list", expiry);
      p.pexpireAt("big:hash", expiry + 1);
      p.set("small", "v");
      p.sync();
      assertEquals(300_000, s.llen("big:list"));
      assertEquals(2_000_000, s.hlen("big:hash"));
    }
    Path file = source.server().saveTo(tmp.resolve("big.rdb"));
    assertTrue(Files.size(file) > 300_000_000L, "file of " + Files.size(file) + " bytes");
    Path spill = Files.createDirectories(tmp.resolve("spill"));
    Path report = tmp.resolve("r.json");

    int exit;
    try (JarRun run =
        Run.rdb(file)
            .to(dest.uri())
            .outputsIn(tmp)
            .jar(tmp, List.of("-Xmx256m", "-Djava.io.tmpdir=" + spill))) {
      exit = run.waitFor(120);
      assertEquals(0, exit, run::toString);
    }

    ReportAssert totals = ReportAssert.of(report);
    assertEquals(3, totals.get("read"), totals::toString);
    assertEquals(3, totals.get("written"), totals::toString);
    assertEquals(2, totals.get("rewritten"), totals::toString);
    assertEquals(1, totals.get("restored"), totals::toString);
    assertEquals(0, totals.get("errors"), totals::toString);
    assertEquals(0, spilledFiles(spill), "temporary payload files left behind");
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertEquals(300_000, d.llen("big:list"));
      assertEquals(2_000_000, d.hlen("big:hash"));
      assertEquals(digest(s, "big:list"), digest(d, "big:list"));
      assertEquals(digest(s, "big:hash"), digest(d, "big:hash"));
      assertEquals(expiry, DatasetAssert.expireTime(d, "big:list".getBytes()));
      assertEquals(expiry + 1, DatasetAssert.expireTime(d, "big:hash".getBytes()));
      assertEquals("v", d.get("small"));
      assertEquals(3, d.dbSize(), "no temporary key is left behind");
    }
  }

  @Test
  void keysAboveALowThresholdAreRewrittenWholeAndSkipKeepsExistingOnes() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "");
    }
    Path file = source.server().saveTo(tmp.resolve("all.rdb"));
    try (Jedis d = dest.server().client()) {
      d.set("list:big", "mine");
    }
    Path report = tmp.resolve("r.json");

    Tool.Result r =
        Run.rdb(file).to(dest.uri()).args("--big-key-threshold", "2000").outputsIn(tmp).inProcess();

    assertEquals(0, r.exit(), r::toString);
    ReportAssert totals = ReportAssert.of(report);
    assertEquals(1, totals.get("skipped_existing"), totals::toString);
    // Above 2,000 bytes: set:big, zset:big and hash:big (the long string and list:big are
    // LZF-compressed below it; streams are read whole, never spilled).
    assertEquals(3, totals.get("rewritten"), totals::toString);
    assertEquals(
        totals.get("read") - 1, totals.get("restored") + totals.get("rewritten"), totals::toString);
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertEquals("mine", d.get("list:big"));
      d.del("list:big");
      s.del("list:big");
      DatasetAssert.assertSameContent(s, d, 0);
    }
  }

  @Test
  void theSyncSnapshotSpillsBigKeysToo() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "");
    }
    Path report = tmp.resolve("r.json");

    Tool.Result r =
        Run.sync(source.uri())
            .to(dest.uri())
            .args("--snapshot-only", "--big-key-threshold", "2000")
            .outputsIn(tmp)
            .inProcess();

    assertEquals(0, r.exit(), r::toString);
    ReportAssert totals = ReportAssert.of(report);
    // set:big, zset:big and hash:big (list:big is LZF-compressed below the threshold).
    assertEquals(3, totals.get("rewritten"), totals::toString);
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      DatasetAssert.assertSameContent(s, d, 0);
    }
  }

  @Test
  void aThresholdBelowOneIsAUsageError() {
    Tool.Result r = Tool.run("rdb", "x.rdb", "--to", dest.uri(), "--big-key-threshold", "0");

    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains("--big-key-threshold"), r.err());
  }
}
