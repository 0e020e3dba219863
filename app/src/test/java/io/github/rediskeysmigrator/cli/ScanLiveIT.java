package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.FaultyProxy;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.Metrics;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import io.github.rediskeysmigrator.testing.WriteLoad;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.XAddParams;

/**
 * {@code scan --live} against real servers: a source that refuses replication (its default user
 * lacks +sync +psync, as on managed services) but sends keyspace notifications.
 */
class ScanLiveIT {
  @RegisterExtension
  static final RedisServerExtension source =
      RedisServerExtension.debian(
          "--notify-keyspace-events",
          "KEA",
          "--user",
          "default",
          "on",
          "nopass",
          "~*",
          "&*",
          "+@all",
          "-sync",
          "-psync");

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  /** A source whose notifications are off, as by default. */
  @RegisterExtension static final RedisServerExtension quiet = RedisServerExtension.debian();

  @TempDir Path tmp;

  private JarRun live(String from, String... extra) {
    return Run.scan(from)
        .to(dest.uri())
        .args("--live")
        .report(tmp.resolve("r.json"))
        .errorLog(tmp.resolve("errors.log"))
        .args(extra)
        .jar(tmp);
  }

  private Tool.Result verify(String from) {
    return Run.verify(from).to(dest.uri()).inProcess();
  }

  private long reportField(String name) {
    return ReportAssert.of(tmp.resolve("r.json")).get(name);
  }

  /** Mixed writes on the source, each round followed by a transaction, until stopped. */
  private static WriteLoad mixedWrites() {
    return WriteLoad.start(
        source.server(),
        20,
        3,
        (p, n) -> {
          p.set("k" + (n % 3000), "v" + n);
          p.incr("counter");
          p.rpush("log", "e" + n);
          p.hset("hash", "f" + (n % 50), "x" + n);
          p.xadd("stream", XAddParams.xAddParams(), Map.of("n", "" + n));
          if (n % 5 == 0) {
            p.del("k" + ((n * 7) % 3000));
          }
          if (n % 11 == 0) {
            p.pexpire("k" + ((n * 3) % 3000), 200);
          }
          if (n % 13 == 0) {
            p.psetex("short" + n, 150, "gone soon");
          }
        },
        s -> {
          Transaction tx = s.multi();
          tx.incr("tx-counter");
          tx.lpush("tx-list", "a", "b");
          tx.exec();
        });
  }

  /** Waits up to a minute for {@code condition}, failing at once if {@code run} ends first. */
  private static void await(String what, JarRun run, Await.Condition condition)
      throws InterruptedException {
    Await.until(what, Duration.ofSeconds(60), run, condition);
  }

  /** Sets {@code key} to {@code value} at the source and waits for the live copy of it. */
  private static void setAndAwait(JarRun run, String key, String value)
      throws InterruptedException {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      s.set(key, value);
      await("the live change of " + key, run, () -> value.equals(d.get(key)));
    }
  }

  @Test
  void convergesUnderMixedWritesAndEndsOnlyOnceWritesStop() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "t:");
      SampleData.fillStrings(s, "k", 3000);
      s.setex("ttl-key", 3600, "kept with its TTL");
    }
    WriteLoad load = mixedWrites();
    try (JarRun run =
        live(source.uri(), "--until-caught-up", "--idle", "1", "--scan-count", "50")) {
      // Writes go on for several idle periods: the run must not claim it caught up.
      Thread.sleep(4_000);
      assertTrue(run.isAlive(), () -> "ended while writes went on\n" + run);
      load.stop();
      assertEquals(0, run.waitFor(60), run::toString);
      assertTrue(reportField("live_updates") > 0);
      assertEquals(0, reportField("pending"));
    } finally {
      load.stop();
    }
    Thread.sleep(300); // the short-lived keys expire on both sides
    Tool.Result v = verify(source.uri());
    assertEquals(0, v.exit(), v::toString);
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertEquals(s.get("counter"), d.get("counter"));
      assertEquals(String.valueOf(load.writes()), d.get("counter"));
      assertEquals(s.llen("log"), d.llen("log"));
      assertEquals(s.xlen("stream"), d.xlen("stream"));
      assertEquals(s.hgetAll("hash"), d.hgetAll("hash"));
      assertEquals(s.get("tx-counter"), d.get("tx-counter"));
      assertEquals(s.dbSize(), d.dbSize());
      long ttl = d.ttl("ttl-key");
      assertTrue(ttl > 3500 && ttl <= 3600, "TTL kept: " + ttl);
    }
  }

  @Test
  void aLostSubscriptionIsFollowedByARescanThatFindsChangesAndDeletesOfTheGap() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 500);
      s.set("doomed", "deleted while the subscription is down");
    }
    try (FaultyProxy proxy = FaultyProxy.to(source.server());
        JarRun run = live(proxy.uri(), "--retries", "10", "--retry-backoff", "0.2")) {
      await("the copy", run, () -> dest.server().dbSize() == 501);
      proxy.stall();
      proxy.cutNow();
      try (Jedis s = source.server().client()) {
        s.del("doomed");
        s.set("k1", "changed in the gap");
        s.set("born", "in the gap");
      }
      proxy.resume();
      await(
          "the rescan",
          run,
          () -> {
            try (Jedis d = dest.server().client()) {
              return "changed in the gap".equals(d.get("k1"))
                  && d.get("doomed") == null
                  && "in the gap".equals(d.get("born"));
            }
          });
      setAndAwait(run, "after", "the reconnect");
      assertEquals(130, run.terminate(), run::toString);
      assertTrue(reportField("rescans") >= 1, run::toString);
      assertTrue(reportField("reconnects") >= 1, run::toString);
    }
    Tool.Result v = verify(source.uri());
    assertEquals(0, v.exit(), v::toString);
  }

  @Test
  void missingNotificationsAreNamedAndEnableNotificationsSetsThem() throws Exception {
    try (Jedis q = quiet.server().client()) {
      q.flushAll();
      q.configSet("notify-keyspace-events", "Ex");
      q.set("a", "1");
    }
    Tool.Result refused = Run.scan(quiet.uri()).to(dest.uri()).args("--live").inProcess();
    assertEquals(2, refused.exit(), refused::toString);
    assertTrue(refused.err().contains("lacks \"Kg$lshzet\""), refused::toString);
    assertTrue(refused.err().contains("\"KEA\""), refused::toString);
    assertTrue(refused.err().contains("parameter group"), refused::toString);
    try (Jedis d = dest.server().client()) {
      assertNull(d.get("a"), "nothing written");
    }

    Tool.Result notLive =
        Run.scan(quiet.uri()).to(dest.uri()).args("--until-caught-up").inProcess();
    assertEquals(2, notLive.exit(), notLive::toString);
    assertTrue(notLive.err().contains("--until-caught-up needs --live"), notLive::toString);

    Tool.Result enabled =
        Run.scan(quiet.uri())
            .to(dest.uri())
            .args("--live", "--enable-notifications", "--until-caught-up", "--idle", "0.5")
            .inProcess();
    assertEquals(0, enabled.exit(), enabled::toString);
    try (Jedis q = quiet.server().client();
        Jedis d = dest.server().client()) {
      String flags = q.configGet("notify-keyspace-events").get("notify-keyspace-events");
      assertEquals("", io.github.rediskeysmigrator.source.KeyspaceNotifications.missing(flags));
      assertEquals("1", d.get("a"));
      q.configSet("notify-keyspace-events", "");
    }
  }

  @Test
  void theMetricsEndpointServesTheRunsCountersOnLocalhost() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 100);
    }
    try (JarRun run = live(source.uri(), "--metrics-port", "0")) {
      await("the endpoint", run, () -> Metrics.url(run.err()) != null);
      String url = Metrics.url(run.err());
      assertTrue(url.startsWith("http://127.0.0.1:"), url);
      await("the copy", run, () -> scraped(url, "rkm_snapshot_done") == 1);
      try (Jedis s = source.server().client()) {
        s.set("k7", "live");
      }
      await(
          "the live change counted",
          run,
          () ->
              scraped(url, "rkm_source_changes_total") >= 1 && scraped(url, "rkm_lag_items") == 0);
      Map<String, Double> m = Metrics.scrape(url);
      // The copy's 100 keys, then k7 again, re-read after its notification.
      assertEquals(101.0, m.get("rkm_keys_written_total"), m::toString);
      assertEquals(101.0, m.get("rkm_keys_read_total"), m::toString);
      assertEquals(0.0, m.get("rkm_key_errors_total"), m::toString);
      assertEquals(0.0, m.get("rkm_reconnects_total"), m::toString);
      assertEquals(0.0, m.get("rkm_keys_skipped_total{reason=\"existing\"}"), m::toString);

      String port = url.replaceAll(".*:(\\d+)/metrics", "$1");
      Tool.Result busy =
          Run.scan(source.uri()).to(dest.uri()).args("--live", "--metrics-port", port).inProcess();
      assertEquals(2, busy.exit(), busy::toString);
      assertTrue(busy.err().contains("cannot serve metrics on 127.0.0.1:" + port), busy::toString);
      assertEquals(130, run.terminate(), run::toString);
    }
    Tool.Result notLive =
        Run.scan(source.uri()).to(dest.uri()).args("--metrics-port", "0").inProcess();
    assertEquals(2, notLive.exit(), notLive::toString);
    assertTrue(notLive.err().contains("--metrics-port needs --live"), notLive::toString);
  }

  private static double scraped(String url, String name) {
    try {
      return Metrics.scrape(url).getOrDefault(name, -1.0);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void syncAgainstThisSourceNamesScanLiveInOneLine() throws Exception {
    try (Jedis s = source.server().client()) {
      s.set("a", "1");
    }
    Tool.Result r = Run.sync(source.uri()).to(dest.uri()).args("--progress", "never").inProcess();
    assertEquals(3, r.exit(), r::toString);
    String first = r.err().lines().findFirst().orElse("");
    assertTrue(first.startsWith("error: "), r::toString);
    assertTrue(first.contains("refused PSYNC (NOPERM"), r::toString);
    assertTrue(first.contains("`scan --live`"), r::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize(), "nothing written");
    }
  }

  @Test
  void aSignalEndsTheRunWithAReport() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 200);
    }
    try (JarRun run = live(source.uri())) {
      await("the copy", run, () -> dest.server().dbSize() == 200);
      setAndAwait(run, "k7", "live");
      assertEquals(130, run.terminate(), run::toString);
      assertFalse(run.out().isEmpty(), "summary printed");
      assertEquals(130, reportField("exit_code"));
      assertTrue(reportField("live_updates") >= 1);
    }
  }
}
