package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.CheckpointFile;
import io.github.rediskeysmigrator.testing.Dataset;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** {@code --writers N}: several connections to one destination, each key's writes in order. */
class WritersIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.syncSource();

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @RegisterExtension
  static final RedisServerExtension persistent = RedisServerExtension.persistent();

  @TempDir Path tmp;

  private static long n(Map<String, Object> r, String field) {
    return ((Number) r.get(field)).longValue();
  }

  private Map<String, Object> assertAccounted(long written) throws Exception {
    ReportAssert.of(tmp.resolve("r.json")).addsUp().has("written", written);
    return JsonText.object(Files.readString(tmp.resolve("r.json")));
  }

  @Test
  void rdbOverFourConnectionsWritesEveryKey() throws Exception {
    Path file =
        SampleData.allTypesAndStrings(source.server(), "", "many:", 5000, tmp.resolve("d.rdb"));
    long connectionsBefore = connectionsReceived();

    Tool.Result r =
        Run.rdb(file)
            .args("--writers", "4")
            .to(dest.uri())
            .report(tmp.resolve("r.json"))
            .errorLog(tmp.resolve("e.log"))
            .inProcess();

    assertEquals(0, r.exit(), r::toString);
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertEquals(Dataset.of(s), Dataset.of(d));
    }
    assertAccounted(SampleData.ALL_TYPES_KEYS + 5000);
    // Four writers, plus our own client here.
    assertTrue(connectionsReceived() - connectionsBefore >= 5, "four connections were used");
  }

  private static long connectionsReceived() {
    try (Jedis d = dest.server().client()) {
      for (String line : d.info("stats").split("\\r?\\n")) {
        if (line.startsWith("total_connections_received:")) {
          return Long.parseLong(line.substring("total_connections_received:".length()).trim());
        }
      }
    }
    throw new AssertionError("no total_connections_received");
  }

  private long checkpointOffset() {
    return CheckpointFile.offset(tmp.resolve("checkpoint"));
  }

  private long sourceOffset() {
    return source.server().replicationOffset();
  }

  private JarRun sync(String... extra) {
    return Run.sync(source.uri())
        .to(dest.uri())
        .args("--writers", "4")
        .outputsIn(tmp)
        .args(extra)
        .jar(tmp);
  }

  /** Interleaved writes to the same keys, multi-key and keyless commands, transactions. */
  private void liveWrites() {
    try (Jedis s = source.server().client()) {
      for (int i = 0; i < 2000; i++) {
        String k = "k" + (i % 40);
        s.incr("counter:" + k);
        s.append("log:" + k, "," + i);
        if (i % 97 == 0) {
          s.rename("log:" + k, "moved:" + i);
          s.del("counter:k1", "counter:k2", "counter:k3");
        }
        if (i % 500 == 0) {
          var t = s.multi();
          t.incr("counter:k5");
          t.set("txkey:" + i, "v");
          t.exec();
        }
      }
      s.flushDB();
      s.set("after", "flush");
      for (int i = 0; i < 200; i++) {
        s.rpush("list", "e" + i);
      }
    }
  }

  /** The destination holds what the source holds; the run then stops on SIGTERM (exit 130). */
  private static void assertSameDataThenStop(JarRun run) throws InterruptedException {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      assertEquals(Dataset.of(s), Dataset.of(d));
    }
    assertEquals(130, run.terminate(), run::toString);
  }

  @Test
  void syncOverFourConnectionsKeepsEachKeysOrder() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "snap:", 3000);
    }
    try (JarRun run = sync("--checkpoint", tmp.resolve("checkpoint").toString())) {
      Await.until("the snapshot", Duration.ofSeconds(60), () -> checkpointOffset() >= 0);
      liveWrites();
      long target = sourceOffset();
      Await.until(
          "checkpoint at " + target, Duration.ofSeconds(60), () -> checkpointOffset() >= target);
      assertSameDataThenStop(run);
    }
    Map<String, Object> r = assertAccounted(3000);
    assertEquals(0L, n(r, "commands_failed"), r::toString);
  }

  @Test
  void syncWithoutCheckpointSpreadsCommandsByKey() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "snap:", 3000);
    }
    try (JarRun run = sync()) {
      Await.until("the snapshot", Duration.ofSeconds(60), () -> dest.server().dbSize() >= 3000);
      liveWrites();
      try (Jedis s = source.server().client()) {
        s.set("last", "1");
      }
      Await.until("the last write", Duration.ofSeconds(60), () -> dest.server().exists("last"));
      assertSameDataThenStop(run);
    }
    Map<String, Object> r = assertAccounted(3000);
    assertEquals(0L, n(r, "commands_failed"), r::toString);
  }

  private JarRun rdbWhileTheDestinationRestarts(Path file, String retries) throws Exception {
    JarRun run =
        Run.rdb(file)
            .to(persistent.uri())
            .args("--writers", "4", "--retries", retries, "--max-rate", "8000")
            .pipeline(100)
            .report(tmp.resolve("r.json"))
            .errorLog(tmp.resolve("e.log"))
            .jar(tmp);
    // Not a fixed pause: on a loaded machine the JVM may start after the restart it must meet.
    try (Jedis d = persistent.server().client()) {
      Await.until(
          "the first 100 keys before the restart",
          Duration.ofSeconds(60),
          run,
          () -> d.dbSize() >= 100);
    }
    assertTrue(run.isAlive(), "still running when the destination restarts");
    persistent.server().restartKeepingData();
    return run;
  }

  /** An RDB of {@code n} strings. */
  private Path stringsRdb(int n) {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", n);
    }
    return source.server().saveTo(tmp.resolve("d.rdb"));
  }

  @Test
  void eachConnectionReconnectsAndEveryKeyIsWrittenOnce() throws Exception {
    Path file = stringsRdb(20_000);
    try (JarRun run = rdbWhileTheDestinationRestarts(file, "5")) {
      assertEquals(0, run.waitFor(120), run::toString);
    }
    Map<String, Object> r = assertAccounted(20_000);
    assertEquals(0L, n(r, "skipped_existing"), r::toString);
    try (Jedis d = persistent.server().client()) {
      assertEquals(20_000, d.dbSize());
    }
  }

  @Test
  void aConnectionThatIsNotRegainedStopsTheRunWithEveryKeyBooked() throws Exception {
    Path file = stringsRdb(20_000);
    try (JarRun run = rdbWhileTheDestinationRestarts(file, "0")) {
      assertEquals(3, run.waitFor(120), run::toString);
    }
    Map<String, Object> r = JsonText.object(Files.readString(tmp.resolve("r.json")));
    assertEquals(
        n(r, "read"), n(r, "written") + n(r, "skipped_existing") + n(r, "errors"), r::toString);
    assertTrue(n(r, "errors") > 0, r::toString);
    try (Jedis d = persistent.server().client()) {
      // Keys booked as errors may have applied before the drop; every written one is there.
      assertTrue(d.dbSize() >= n(r, "written"), r::toString);
    }
  }
}
