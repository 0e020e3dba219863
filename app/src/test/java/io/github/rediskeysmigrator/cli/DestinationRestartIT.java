package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.CheckpointFile;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import io.github.rediskeysmigrator.testing.WriteLoad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A server restarts or drops the connection in the middle of a run: the tool reconnects and nothing
 * is lost. (The reader runs ahead of a rate-limited writer by up to 16,384 keys, so the scans below
 * are long enough for the source to go away mid-scan.)
 */
class DestinationRestartIT {
  @RegisterExtension
  static final RedisServerExtension source =
      RedisServerExtension.syncSource("--repl-backlog-size", "64mb");

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.persistent();

  @TempDir Path tmp;

  /**
   * Waits until the run has written its first keys (not a fixed pause: on a loaded machine the JVM
   * may take longer to start than the fault it is meant to meet).
   */
  private static void awaitWriting(JarRun run) throws InterruptedException {
    try (Jedis d = dest.server().client()) {
      Await.until(
          "the first 100 keys written", Duration.ofSeconds(60), run, () -> d.dbSize() >= 100);
    }
  }

  /** 60,000 keys at the source, and a scan of them at 8000 keys/s reporting to r.json. */
  private JarRun slowScanOf60000Keys() {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 60_000);
    }
    return Run.scan(source.uri())
        .to(dest.uri())
        .args("--max-rate", "8000", "--scan-count", "100")
        .report(tmp.resolve("r.json"))
        .jar(tmp);
  }

  @Test
  void rdbRunReconnectsAndEveryKeyIsWrittenOnce() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 20_000);
    }
    Path file = source.server().saveTo(tmp.resolve("dump.rdb"));
    try (JarRun run =
        Run.rdb(file)
            .to(dest.uri())
            .args("--max-rate", "8000")
            .pipeline(100)
            .report(tmp.resolve("r.json"))
            .jar(tmp)) {
      awaitWriting(run);
      assertTrue(run.isAlive(), "still running when the destination restarts");
      dest.server().restartKeepingData();
      assertEquals(0, run.waitFor(120), run::toString);
    }
    ReportAssert totals = ReportAssert.of(tmp.resolve("r.json"));
    assertEquals(20_000, totals.get("written"), totals::toString);
    assertEquals(0, totals.get("skipped_existing"), totals::toString);
    assertEquals(0, totals.get("errors"), totals::toString);
    assertAllWritten(20_000);
  }

  /** The destination holds {@code keys} keys, as the report of a run that ended well says. */
  private void assertAllWritten(long keys) {
    try (Jedis d = dest.server().client()) {
      assertEquals(keys, d.dbSize());
      ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(0).writtenMatches(d, 0);
    }
  }

  @Test
  void scanResumesFromItsCursorWhenTheConnectionDrops() throws Exception {
    try (JarRun run = slowScanOf60000Keys()) {
      awaitWriting(run);
      assertTrue(run.isAlive(), "still running when its source connection is cut");
      try (Jedis s = source.server().client()) {
        s.clientKill(
            redis.clients.jedis.params.ClientKillParams.clientKillParams()
                .type(redis.clients.jedis.args.ClientType.NORMAL));
      }
      assertEquals(0, run.waitFor(120), run::toString);
    }
    ReportAssert totals = ReportAssert.of(tmp.resolve("r.json"));
    assertEquals(0, totals.get("errors"), totals::toString);
    assertEquals(60_000, totals.get("written"), totals::toString);
    assertEquals(totals.get("read"), totals.get("written"), totals::toString);
    assertAllWritten(60_000);
  }

  @Test
  void scanStopsClearlyWhenTheSourceRestartsAndARerunCompletesIt() throws Exception {
    try (JarRun run = slowScanOf60000Keys()) {
      awaitWriting(run);
      source.server().restartKeepingData();
      assertEquals(3, run.waitFor(120), run::toString);
      assertTrue(run.err().contains("restarted during the scan"), run.err());
    }
    ReportAssert totals = ReportAssert.of(tmp.resolve("r.json"));
    try (Jedis d = dest.server().client()) {
      assertEquals(totals.get("written"), d.dbSize(), totals::toString);
      ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(3).writtenMatches(d, 0);
    }
    try (JarRun rerun = Run.scan(source.uri()).to(dest.uri()).jar(tmp)) {
      assertEquals(0, rerun.waitFor(120), rerun::toString);
    }
    try (Jedis d = dest.server().client()) {
      assertEquals(60_000, d.dbSize());
    }
  }

  @Test
  void syncReconnectsAndAppliesEveryCommandExactlyOnce() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 100);
    }
    Path checkpoint = tmp.resolve("checkpoint");
    WriteLoad load;
    try (JarRun run =
        Run.sync(source.uri())
            .to(dest.uri())
            .checkpoint(checkpoint)
            .pipeline(50)
            .args("--progress", "never")
            .report(tmp.resolve("r.json"))
            .jar(tmp)) {
      Await.until(
          "the checkpoint file", Duration.ofSeconds(30), run, () -> Files.exists(checkpoint));
      load = WriteLoad.start(source.server(), 10, 5, WriteLoad.COUNTER_AND_LOG);
      Thread.sleep(800);
      dest.server().restartKeepingData();
      Thread.sleep(800);
      load.stop();
      long target;
      try (Jedis s = source.server().client()) {
        target =
            Long.parseLong(
                s.info("replication").replaceAll("(?s).*master_repl_offset:(\\d+).*", "$1"));
      }
      Await.until(
          "the checkpoint at the source's offset " + target,
          Duration.ofSeconds(30),
          run,
          () -> offset(checkpoint) >= target);
      assertTrue(run.isAlive(), run::toString);
      try (Jedis d = dest.server().client()) {
        assertEquals(String.valueOf(load.writes()), d.get("counter"), run::toString);
        assertEquals(load.writes(), d.llen("log"));
      }
      assertEquals(130, run.terminate(), run::toString);
    }
    try (Jedis d = dest.server().client()) {
      // The snapshot's 100 keys are counted as written; counter and log came with live commands.
      ReportAssert.of(tmp.resolve("r.json"))
          .addsUp()
          .exitCode(130)
          .has("written", 100)
          .has("commands_applied", 2 * load.writes())
          .writtenMatches(d, 2);
    }
  }

  private static long offset(Path checkpoint) {
    return CheckpointFile.offset(checkpoint);
  }
}
