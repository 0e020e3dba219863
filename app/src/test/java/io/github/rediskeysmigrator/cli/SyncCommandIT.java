package io.github.rediskeysmigrator.cli;

import static io.github.rediskeysmigrator.testing.DatasetAssert.assertSameDataset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.CheckpointFile;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.Metrics;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import io.github.rediskeysmigrator.testing.WriteLoad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The {@code sync} command against real servers: snapshot, live stream, stop and resume. */
class SyncCommandIT {
  @RegisterExtension
  static final RedisServerExtension source =
      RedisServerExtension.syncSource("--repl-backlog-size", "64mb");

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @RegisterExtension
  static final RedisServerExtension noPsync =
      RedisServerExtension.debian("--rename-command", "PSYNC", "", "--rename-command", "SYNC", "");

  @TempDir Path tmp;

  private JarRun sync(String... extra) {
    return Run.sync(source.uri())
        .to(dest.uri())
        .checkpoint(tmp.resolve("checkpoint"))
        .report(tmp.resolve("report.json"))
        .args("--progress", "never")
        .args(extra)
        .jar(tmp);
  }

  private long sourceOffset() {
    return source.server().replicationOffset();
  }

  private long checkpointOffset() {
    return CheckpointFile.offset(tmp.resolve("checkpoint"));
  }

  /** Waits until the destination has applied everything the source has written so far. */
  private void awaitCaughtUp() throws InterruptedException {
    long target = sourceOffset();
    Await.until(
        "checkpoint to reach source offset " + target,
        Duration.ofSeconds(30),
        () -> checkpointOffset() >= target);
  }

  private void assertDbsEqual(int... dbs) {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      for (int db : dbs) {
        s.select(db);
        d.select(db);
        assertSameDataset(s, d);
      }
    }
  }

  private void cleanSource() {
    try (Jedis s = source.server().client()) {
      s.functionFlush();
    }
  }

  @Test
  void snapshotThenLiveWritesOfEveryTypeArriveInOrder() throws Exception {
    cleanSource();
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "snap:");
      s.select(1);
      SampleData.fillStrings(s, "one:", 100);
    }
    try (JarRun run = sync()) {
      Await.until("the snapshot", Duration.ofSeconds(30), () -> checkpointOffset() >= 0);
      try (Jedis s = source.server().client()) {
        SampleData.fillAllTypes(s, "live:");
        s.incr("counter");
        s.set("doomed", "x");
        s.del("doomed");
        s.set("ttl", "x");
        s.pexpire("ttl", 3_600_000);
        s.persist("snap:str:ttl");
        var t = s.multi();
        t.incr("counter");
        t.rpush("txlist", "a", "b");
        t.exec();
        // Commands Redis Replicator has no parser of its own for, stream group commands,
        // script and function effects, and geo / hyperloglog / bitfield writes.
        s.copy("live:str:short", "copied", false);
        s.lmove(
            "live:list:small",
            "moved",
            redis.clients.jedis.args.ListDirection.LEFT,
            redis.clients.jedis.args.ListDirection.RIGHT);
        s.sinterstore("inter", "live:set:small", "live:set:small");
        s.geoadd("geo", 13.36, 38.11, "palermo");
        s.pfadd("hll", "a", "b", "c");
        s.bitfield("bits", "SET", "u8", "0", "255");
        s.setrange("live:str:short", 1, "ELLO");
        s.sendCommand(
            redis.clients.jedis.Protocol.Command.XACK,
            "live:stream:events",
            "g1",
            s.xrange("live:stream:events", "-", "+", 1).get(0).getID().toString());
        s.xgroupCreateConsumer("live:stream:events", "g2", "c9");
        s.eval(
            "redis.call('SET', KEYS[1], ARGV[1]); redis.call('INCR', KEYS[2])",
            2,
            "by-script",
            "counter",
            "v");
        s.functionLoad(
            "#!lua name=synclib\nredis.register_function('setit', function(k, a) "
                + "return redis.call('SET', k[1], a[1]) end)");
        s.fcall("setit", List.of("by-function"), List.of("f"));
        s.select(1);
        s.rpush("one:list", "x");
        s.select(2);
        SampleData.fillStrings(s, "two:", 50);
        s.flushDB();
        s.set("after-flush", "1");
        s.select(3);
        s.set("will-swap", "3");
        s.swapDB(3, 4);
      }
      awaitCaughtUp();
      assertDbsEqual(0, 1, 2, 3, 4);
      try (Jedis d = dest.server().client()) {
        assertEquals("f", d.get("by-function"));
        assertEquals(1, d.functionList().size());
      }

      assertEquals(130, run.terminate(), run::toString);
    }
    ReportAssert.of(tmp.resolve("report.json")).addsUp().exitCode(130).has("commands_failed", 0);
  }

  @Test
  void stopAndResumeFromTheCheckpointLosesAndRepeatsNothing() throws Exception {
    cleanSource();
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 1000);
    }
    try (JarRun first = sync()) {
      Await.until("the snapshot", Duration.ofSeconds(30), () -> checkpointOffset() >= 0);
      try (Jedis s = source.server().client()) {
        for (int i = 0; i < 200; i++) {
          s.incr("counter");
          s.rpush("log", "entry-" + i);
        }
      }
      awaitCaughtUp();
      assertEquals(130, first.terminate(), first::toString);
    }
    // Written while no sync runs: must arrive once, from the source's backlog.
    try (Jedis s = source.server().client()) {
      for (int i = 200; i < 300; i++) {
        s.incr("counter");
        s.rpush("log", "entry-" + i);
      }
    }
    try (JarRun second = sync("--metrics-port", "0")) {
      Await.until(
          "the resume", Duration.ofSeconds(30), () -> second.err().contains("resuming from"));
      try (Jedis s = source.server().client()) {
        s.incr("counter");
      }
      awaitCaughtUp();
      assertDbsEqual(0);
      try (Jedis d = dest.server().client()) {
        assertEquals("301", d.get("counter"));
        assertEquals(300, d.llen("log"));
      }
      Await.until(
          "the metrics endpoint",
          Duration.ofSeconds(30),
          second,
          () -> Metrics.url(second.err()) != null);
      Map<String, Double> m = Metrics.scrape(Metrics.url(second.err()));
      assertEquals(1.0, m.get("rkm_resumed"), m::toString);
      assertEquals(130, second.terminate(), second::toString);
    }
    // The report says the run resumed, and from which offset.
    ReportAssert report = ReportAssert.of(tmp.resolve("report.json"));
    assertTrue(report.toString().contains("\"resumed\":true"), report::toString);
    assertTrue(report.toString().contains("offset "), report::toString);
  }

  @Test
  void killedMidStreamAndResumedAppliesEveryCommandExactlyOnce() throws Exception {
    cleanSource();
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 500);
    }
    WriteLoad load =
        WriteLoad.start(
            source.server(),
            20,
            2,
            (p, n) -> {
              WriteLoad.COUNTER_AND_LOG.add(p, n);
              if (n % 7 == 0) {
                p.select(1);
                p.incr("counter-db1");
                p.select(0);
              }
            });
    try {
      for (int round = 0; round < 3; round++) {
        try (JarRun run = sync("--pipeline", "50")) {
          Await.until("a checkpoint", Duration.ofSeconds(30), () -> checkpointOffset() >= 0);
          Thread.sleep(700);
          run.kill(); // SIGKILL: no flush, no checkpoint save
        }
      }
    } finally {
      load.stop();
    }
    try (JarRun last = sync()) {
      awaitCaughtUp();
      assertDbsEqual(0, 1);
      try (Jedis d = dest.server().client()) {
        assertEquals(String.valueOf(load.writes()), d.get("counter"));
        assertEquals(load.writes(), d.llen("log"));
      }
      assertEquals(130, last.terminate(), last::toString);
    }
  }

  @Test
  void sourceRestartIsFollowedWithoutLosingWrites() throws Exception {
    cleanSource();
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 300);
    }
    try (JarRun run =
        sync("--on-full-resync", "restart", "--existing", "replace", "--retries", "20")) {
      Await.until("the snapshot", Duration.ofSeconds(30), () -> checkpointOffset() >= 0);
      try (Jedis s = source.server().client()) {
        s.set("before", "restart");
      }
      awaitCaughtUp();
      source.server().restartKeepingData();
      try (Jedis s = source.server().client()) {
        s.set("after", "restart");
      }
      // Whether the source can continue (PSYNC) or sends a new snapshot depends on timing; both
      // must bring the write made while we were away.
      try {
        Await.until(
            "the stream to come back",
            Duration.ofSeconds(30),
            () -> {
              try (Jedis d = dest.server().client()) {
                return "restart".equals(d.get("after"));
              }
            });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; the tool said:\n" + run, e);
      }
      try (Jedis s = source.server().client()) {
        s.del("k1");
        s.incr("counter");
      }
      awaitCaughtUp();
      assertDbsEqual(0);
      assertEquals(130, run.terminate(), run::toString);
    }
  }

  @Test
  void matchAndTheSkipRuleApplyToLiveCommands() throws Exception {
    cleanSource();
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      s.set("user:1", "source");
      s.set("user:2", "source");
      d.set("user:2", "destination's own");
    }
    try (JarRun run = sync("--match", "user:*")) {
      Await.until("the snapshot", Duration.ofSeconds(30), () -> checkpointOffset() >= 0);
      try (Jedis s = source.server().client()) {
        s.set("user:1", "changed");
        s.set("user:2", "changed");
        s.set("other", "x");
        s.append("user:3", "new");
      }
      awaitCaughtUp();
      try (Jedis d = dest.server().client()) {
        assertEquals("changed", d.get("user:1"));
        assertEquals("destination's own", d.get("user:2"));
        assertEquals("new", d.get("user:3"));
        assertEquals(null, d.get("other"));
      }
      assertEquals(130, run.terminate(), run::toString);
    }
    ReportAssert.of(tmp.resolve("report.json"))
        .addsUp()
        .has("commands_skipped", 1)
        .has("commands_filtered", 1);
  }

  @Test
  void aCheckpointTheSourceCannotContinueFromStopsWithExit7() throws Exception {
    Files.writeString(
        tmp.resolve("checkpoint"),
        "replid=0123456789012345678901234567890123456789\noffset=12345\ndb=0\n");
    try (JarRun run = sync()) {
      assertEquals(7, run.waitFor(60), run::toString);
      assertTrue(run.err().contains("--on-full-resync restart"), run.err());
    }
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize());
    }
  }

  @Test
  void aThousandWritesPerSecondForThirtySecondsEndWithDestinationEqualToSource() throws Exception {
    cleanSource();
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "base:");
    }
    try (JarRun run = sync()) {
      Await.until("the snapshot", Duration.ofSeconds(30), () -> checkpointOffset() >= 0);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long n = 0;
      try (Jedis s = source.server().client()) {
        while (System.nanoTime() < end) {
          var p = s.pipelined();
          for (int i = 0; i < 100; i++, n++) {
            switch ((int) (n % 8)) {
              case 0 -> p.set("s:" + (n % 500), "v" + n);
              case 1 -> p.rpush("l:" + (n % 50), "e" + n);
              case 2 -> p.hset("h:" + (n % 50), "f" + (n % 20), "v" + n);
              case 3 -> p.sadd("set:" + (n % 50), "m" + (n % 300));
              case 4 -> p.zadd("z:" + (n % 50), n % 97, "m" + (n % 200));
              case 5 ->
                  p.xadd(
                      "x:" + (n % 5),
                      redis.clients.jedis.params.XAddParams.xAddParams(),
                      Map.of("n", String.valueOf(n)));
              case 6 -> p.pexpire("s:" + (n % 500), 600_000 + n);
              default -> p.del("l:" + ((n + 25) % 50));
            }
          }
          p.sync();
          Thread.sleep(100); // about 1,000 writes a second
        }
      }
      awaitCaughtUp();
      assertDbsEqual(0);
      assertEquals(130, run.terminate(), run::toString);
    }
    ReportAssert.of(tmp.resolve("report.json")).addsUp().has("commands_failed", 0);
  }

  @Test
  void untilCaughtUpRunsWhileWritesGoOnThenEndsAndDeletesItsMarker() throws Exception {
    cleanSource();
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 500);
    }
    try (JarRun run = sync("--until-caught-up", "--idle", "1", "--metrics-port", "0")) {
      Await.until("the snapshot", Duration.ofSeconds(30), () -> dest.server().exists("k499"));
      // Writes every 20 ms for 3 s: each is applied long before the next, so the lag is zero at
      // most looks; the run must still not end while they go on.
      try (Jedis s = source.server().client()) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (int i = 0; System.nanoTime() < end; i++) {
          s.incr("counter");
          s.set("w" + (i % 50), "v" + i);
          Thread.sleep(20);
        }
      }
      assertTrue(run.isAlive(), "still running while the source was written: " + run);
      Map<String, Double> m = Metrics.scrape(Metrics.url(run.err()));
      assertTrue(m.get("rkm_live_commands_applied_total") > 100, m::toString);
      assertEquals(500.0, m.get("rkm_keys_written_total"), m::toString);
      assertEquals(1.0, m.get("rkm_snapshot_done"), m::toString);
      assertEquals(0, run.waitFor(30), run::toString);
    }
    assertDbsEqual(0);
    try (Jedis d = dest.server().client()) {
      assertEquals(Set.of(), d.keys("redis-keys-migrator:*"), "marker deleted at the cutover");
    }
    String json = Files.readString(tmp.resolve("report.json"));
    assertTrue(json.contains("\"caught_up\":true,\"marker_deleted\":true,"), json);
    assertTrue(json.contains("\"lag_bytes\":0,"), json);

    Tool.Result both =
        Run.sync(source.uri())
            .to(dest.uri())
            .args("--until-caught-up", "--snapshot-only")
            .inProcess();
    assertEquals(2, both.exit(), both::toString);
    assertTrue(both.err().contains("give one of them"), both::toString);
  }

  @Test
  void snapshotOnlyCopiesAndExits() throws Exception {
    cleanSource();
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "");
    }
    try (JarRun run = sync("--snapshot-only")) {
      assertEquals(0, run.waitFor(60), run::toString);
    }
    assertDbsEqual(0);
  }

  @Test
  void aSourceWithoutPsyncIsRefusedWithTheAlternatives() throws Exception {
    try (JarRun run = Run.sync(noPsync.uri()).to(dest.uri()).args("--progress", "never").jar(tmp)) {
      assertEquals(3, run.waitFor(60), run::toString);
      assertTrue(run.err().contains("does not offer PSYNC"), run.err());
      assertTrue(run.err().contains("`rdb`") && run.err().contains("`scan --live`"), run.err());
    }
  }
}
