package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.Metrics;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.WriteLoad;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code scan --live} at its limits, against real servers: a write rate the pending set cannot hold
 * (its cap, then rescans, in a small heap), and a big key written many times a second (its re-reads
 * spaced by its size).
 */
class ScanLiveLimitsIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.liveSource();

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @TempDir Path tmp;

  private JarRun live(List<String> jvm, String... extra) {
    return Run.scan(source.uri())
        .to(dest.uri())
        .args("--live", "--until-caught-up", "--idle", "2")
        .report(tmp.resolve("r.json"))
        .errorLog(tmp.resolve("errors.log"))
        .args(extra)
        .jar(tmp, jvm);
  }

  private long reportField(String name) {
    return ReportAssert.of(tmp.resolve("r.json")).get(name);
  }

  private static void await(String what, JarRun run, Await.Condition condition)
      throws InterruptedException {
    Await.until(what, Duration.ofSeconds(120), run, condition);
  }

  @Test
  void aPendingSetPastItsCapDropsCountsRescansAndStillConvergesInA64MbHeap() throws Exception {
    try (Jedis s = source.server().client()) {
      Pipeline p = s.pipelined();
      for (int i = 0; i < 2_000; i++) {
        p.set("k" + i, "v" + i);
      }
      p.sync();
    }
    String value = "x".repeat(200);
    try (JarRun run =
        live(
            List.of("-Xmx64m"),
            "--live-pending-max-keys",
            "100",
            "--scan-count",
            "20",
            "--progress",
            "never")) {
      await("the copy", run, () -> dest.server().dbSize() == 2_000);
      // One burst far faster than 20-key re-reads: new keys, changed keys and deleted keys, whose
      // notifications cannot all fit in 100 pending keys.
      try (Jedis s = source.server().client()) {
        Pipeline p = s.pipelined();
        for (int i = 0; i < 30_000; i++) {
          p.set("burst:" + i, value);
          if (i < 500) {
            p.del("k" + i);
            p.set("k" + (1_000 + i), "changed");
          }
        }
        p.sync();
      }
      assertEquals(0, run.waitFor(180), run::toString);
      assertTrue(
          run.err().contains("changes faster than it is re-read"), () -> "no note\n" + run.err());
    }
    assertTrue(reportField("live_pending_overflows") >= 1);
    assertTrue(reportField("live_pending_dropped") > 0);
    assertTrue(reportField("rescans") >= 1);
    assertEquals(0, reportField("pending"));
    Tool.Result v = Run.verify(source.uri()).to(dest.uri()).inProcess();
    assertEquals(0, v.exit(), v::toString);
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertEquals(s.dbSize(), d.dbSize());
      assertEquals(null, d.get("k0"), "deleted while its notification may have been dropped");
      assertEquals("changed", d.get("k1499"));
    }
  }

  @Test
  void aHotBigKeyIsReReadNoMoreOftenThanItsSizeAllowsAndEndsEqual() throws Exception {
    long dumpBytes;
    try (Jedis s = source.server().client()) {
      for (int chunk = 0; chunk < 300; chunk++) {
        Map<String, Double> members = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
          members.put("m" + (chunk * 1_000 + i), (double) i);
        }
        s.zadd("hot", members);
      }
      s.set("small", "a");
      dumpBytes = s.dump("hot").length;
    }
    // The rule of RereadSpacing: bytes / 8 MiB/s, at least 100 ms, at most 10 s.
    long spacingMs = Math.min(10_000, Math.max(100, dumpBytes * 1_000 / (8L << 20)));
    assertTrue(spacingMs >= 300, "the key is big enough to be spaced: " + dumpBytes + " bytes");
    WriteLoad load = null;
    try (JarRun run = live(List.of(), "--metrics-port", "0", "--progress", "never")) {
      await(
          "the copy",
          run,
          () -> {
            try (Jedis d = dest.server().client()) {
              return d.zcard("hot") == 300_000 && Metrics.url(run.err()) != null;
            }
          });
      String url = Metrics.url(run.err());
      long start = System.nanoTime();
      // Hundreds of ZADDs a second to the one big key, for 6 s.
      load =
          WriteLoad.start(source.server(), 5, 2, (p, n) -> p.zadd("hot", n, "new" + (n % 5_000)));
      await(
          "a deferred re-read", run, () -> Metrics.scrape(url).get("rkm_live_deferred_keys") >= 1);
      Thread.sleep(Math.max(0, 6_000 - (System.nanoTime() - start) / 1_000_000));
      load.stop();
      long writingMs = (System.nanoTime() - start) / 1_000_000;
      try (Jedis s = source.server().client()) {
        s.set("small", "b");
      }
      assertEquals(0, run.waitFor(120), run::toString);
      long rereads = reportField("live_updates");
      // One re-read per spacing while the writes went on, plus: the first one and one more
      // notified while it was in flight (the copy did not tell the key's size), one for the
      // edges of the window, the last one after the writes stopped and the small key's. Without
      // the spacing a 4 MB key is re-read every few tens of ms: 60 and more in 6 s.
      long bound = writingMs / spacingMs + 5;
      assertTrue(
          rereads <= bound,
          "re-reads " + rereads + " > " + bound + " (spacing " + spacingMs + " ms)\n" + run);
      assertTrue(reportField("live_deferred") > 0);
    } finally {
      if (load != null) {
        load.stop();
      }
    }
    Tool.Result v = Run.verify(source.uri()).to(dest.uri()).inProcess();
    assertEquals(0, v.exit(), v::toString);
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertEquals(s.zcard("hot"), d.zcard("hot"));
      assertEquals("b", d.get("small"));
    }
  }
}
