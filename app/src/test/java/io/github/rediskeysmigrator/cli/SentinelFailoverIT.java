package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.CheckpointFile;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.LocalSentinels;
import io.github.rediskeysmigrator.testing.Metrics;
import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A master behind three Sentinels is killed with SIGKILL in the middle of a run, and its replica is
 * promoted: a {@code sync} from it goes on at the promoted replica with a partial resync, and an
 * {@code rdb} into it waits for the new master and sends again what had no reply. Either way the
 * destination ends equal to the source.
 */
class SentinelFailoverIT {
  @RegisterExtension
  final LocalSentinels sentinels = new LocalSentinels("--notify-keyspace-events", "KEA");

  @RegisterExtension static final RedisServerExtension plain = RedisServerExtension.syncSource();

  @TempDir Path tmp;

  @Test
  void syncGoesOnAtThePromotedReplicaWithoutAFullResync() throws Exception {
    try (Jedis m = sentinels.master().client()) {
      SampleData.fillStrings(m, "snap:", 2000);
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    try (JarRun run = sync(sentinels.uri(), "--metrics-port", "0")) {
      awaitSnapshot(run);
      String metrics = Metrics.url(run.err());
      Thread writer = writes(sentinels.master(), writing, written);
      Await.until("live writes applied", Duration.ofSeconds(60), run, () -> written.get() > 200);
      RedisServer promoted = promote();
      writer.join(30_000);
      try (Jedis p = promoted.client()) {
        for (int i = 0; i < 200; i++) {
          p.incr("counter");
          p.set("after:" + i, "v" + i);
        }
      }
      awaitApplied(run, promoted);
      assertEquals(
          1.0, Metrics.scrape(metrics).get("rkm_failovers_total{side=\"source\"}"), metrics);
      // Exit 130 after SIGTERM: a full resync would have stopped the run with exit 7.
      assertEquals(130, run.terminate(), run::toString);
      assertTrue(run.err().contains("failed over from"), run.err());
      assertFalse(run.err().contains("full resync"), run.err());
      try (Jedis p = promoted.client();
          Jedis d = plain.server().client()) {
        // Nothing applied twice: the counter INCRed before and after the failover agrees.
        assertEquals(p.get("counter"), d.get("counter"));
        assertEquals(2000 + 200, d.keys("snap:*").size() + d.keys("after:*").size());
      }
      assertEquals(
          0,
          Run.verify(sentinels.replica().uri()).to(plain.uri()).inProcess().exit(),
          "verify finds the destination equal to the promoted replica");
      ReportAssert.of(tmp.resolve("r.json"))
          .addsUp()
          .exitCode(130)
          .has("source_failovers", 1)
          .has("destination_failovers", 0);
    } finally {
      writing.set(false);
    }
  }

  @Test
  void syncFromSeveralAddressesFollowsTheOneThatBecomesMaster() throws Exception {
    String both =
        "redis://127.0.0.1:"
            + sentinels.master().port()
            + ",127.0.0.1:"
            + sentinels.replica().port();
    try (JarRun run = sync(both)) {
      awaitSnapshot(run);
      try (Jedis m = sentinels.master().client()) {
        for (int i = 0; i < 100; i++) {
          m.incr("counter");
        }
      }
      RedisServer promoted = promote();
      try (Jedis p = promoted.client()) {
        for (int i = 0; i < 100; i++) {
          p.incr("counter");
        }
      }
      awaitApplied(run, promoted);
      assertEquals(130, run.terminate(), run::toString);
      try (Jedis d = plain.server().client()) {
        assertEquals("200", d.get("counter"));
      }
    }
    ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(130).has("source_failovers", 1);
  }

  @Test
  void rdbIntoASentinelMasterWaitsForTheNewMasterAndLosesNothing() throws Exception {
    int keys = 60_000;
    try (Jedis s = plain.server().client()) {
      SampleData.fillStrings(s, "k", keys);
    }
    Path file = plain.server().saveTo(tmp.resolve("dump.rdb"));
    try (JarRun run =
        Run.rdb(file)
            .to(sentinels.uri())
            .outputsIn(tmp)
            .pipeline(100)
            .failoverWithin(30)
            .args("--max-rate", "8000")
            .jar(tmp)) {
      try (Jedis d = sentinels.master().client()) {
        Await.until("10,000 keys written", Duration.ofSeconds(60), run, () -> d.dbSize() > 10_000);
      }
      sentinels.killMaster();
      assertEquals(0, run.waitFor(120), run::toString);
      assertTrue(run.err().contains("failed over from"), run.err());
    }
    try (Jedis d = sentinels.replica().client()) {
      assertEquals(keys, d.dbSize());
      ReportAssert.of(tmp.resolve("r.json")).wroteAll(keys).has("destination_failovers", 1);
    }
    assertEquals(
        0,
        Run.verify(plain.uri()).to(sentinels.replica().uri()).inProcess().exit(),
        "verify finds the promoted replica equal to the source");
  }

  @Test
  void scanLiveSubscribesAgainAtThePromotedReplicaAndRescans() throws Exception {
    try (Jedis m = sentinels.master().client()) {
      SampleData.fillStrings(m, "snap:", 1000);
      assertEquals(1, m.waitReplicas(1, 10_000), "the replica has the first keys");
    }
    try (JarRun run =
            Run.scan(sentinels.uri())
                .to(plain.uri())
                .outputsIn(tmp)
                .failoverWithin(30)
                .args("--live")
                .jar(tmp);
        Jedis d = plain.server().client()) {
      Await.until("the first pass", Duration.ofSeconds(60), run, () -> d.dbSize() >= 1000);
      try (Jedis m = sentinels.master().client()) {
        m.set("live:before", "1");
        // The master is killed next: what the promoted replica lacks, the destination keeps.
        assertEquals(1, m.waitReplicas(1, 10_000), "the replica has live:before");
      }
      Await.until(
          "a change followed live", Duration.ofSeconds(60), run, () -> d.exists("live:before"));
      try (Jedis p = promote().client()) {
        p.set("live:after", "2");
        p.del("snap:0");
      }
      Await.until(
          "the changes at the promoted replica",
          Duration.ofSeconds(90),
          run,
          () -> "2".equals(d.get("live:after")) && !d.exists("snap:0"));
      assertEquals(130, run.terminate(), run::toString);
      assertTrue(run.err().contains("failed over from"), run.err());
    }
    Tool.Result verify = Run.verify(sentinels.replica().uri()).to(plain.uri()).inProcess();
    assertEquals(0, verify.exit(), () -> "the destination equals the promoted replica: " + verify);
    ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(130).has("source_failovers", 1);
  }

  /** A jar run of {@code sync} from {@code from} into {@code plain}, at a failover test's pace. */
  private JarRun sync(String from, String... more) {
    return Run.sync(from)
        .to(plain.uri())
        .checkpoint(tmp.resolve("checkpoint"))
        .outputsIn(tmp)
        .failoverWithin(30)
        .args(more)
        .jar(tmp);
  }

  private void awaitSnapshot(JarRun run) throws InterruptedException {
    CheckpointFile.awaitOffset(
        "the snapshot written", Duration.ofSeconds(60), run, tmp.resolve("checkpoint"), 0);
  }

  /** Kills the master and returns the replica once the Sentinels have promoted it. */
  private RedisServer promote() throws InterruptedException {
    sentinels.killMaster();
    sentinels.awaitPromoted(Duration.ofSeconds(60));
    return sentinels.replica();
  }

  /** Waits until {@code run} has checkpointed everything written to {@code promoted} so far. */
  private void awaitApplied(JarRun run, RedisServer promoted) throws InterruptedException {
    long target = promoted.replicationOffset();
    CheckpointFile.awaitOffset(
        "the writes on the promoted replica applied",
        Duration.ofSeconds(90),
        run,
        tmp.resolve("checkpoint"),
        target);
  }

  /** Writes to {@code master} (INCR and SET) until told to stop or the master is gone. */
  private static Thread writes(RedisServer master, AtomicBoolean writing, AtomicLong written) {
    Thread t =
        new Thread(
            () -> {
              try (Jedis m = master.client()) {
                for (int i = 0; writing.get(); i++) {
                  m.incr("counter");
                  m.set("live:" + i, "v" + i);
                  written.incrementAndGet();
                }
              } catch (JedisException gone) {
                // The master was killed: the writes stop here.
              }
            },
            "writes");
    t.start();
    return t;
  }
}
