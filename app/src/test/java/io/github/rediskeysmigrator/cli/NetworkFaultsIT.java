package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.FaultyProxy;
import io.github.rediskeysmigrator.testing.FaultyProxy.Direction;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XAddParams;

/**
 * The link to the destination or to the source breaks mid-run, through {@link FaultyProxy} between
 * the tool and real servers: cut, stalled, slow. Each test checks what a user would: the exact
 * destination content, the exit code, and a report whose totals add up and whose {@code written} is
 * what the destination holds.
 */
class NetworkFaultsIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.syncSource();

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  /** Writes RDB 11, which the 7.0 destination cannot RESTORE: its keys take the rewrite path. */
  @RegisterExtension
  static final RedisServerExtension newer = RedisServerExtension.shared("redis-7.2.6");

  private static final int KEYS = 20_000;

  @TempDir Path tmp;

  /** KEYS strings plus one key of every type and encoding, saved as an RDB file. */
  private Path dataset() {
    return SampleData.allTypesAndStrings(source.server(), "t:", "k", KEYS, tmp.resolve("dump.rdb"));
  }

  private static final int TOTAL = KEYS + SampleData.ALL_TYPES_KEYS;

  /** An rdb run through {@code proxy}, with a report and an error log in {@code tmp}. */
  private Run rdb(Path file, FaultyProxy proxy) {
    return rdb(file, proxy, 100, "0.1");
  }

  private Run rdb(Path file, FaultyProxy proxy, int pipeline, String retryBackoff) {
    return outputs(
        Run.rdb(file).to(proxy.uri()).pipeline(pipeline).args("--retry-backoff", retryBackoff));
  }

  /** {@code run} writing its report to r.json and its error log to e.log in {@code tmp}. */
  private Run outputs(Run run) {
    return run.report(tmp.resolve("r.json")).errorLog(tmp.resolve("e.log"));
  }

  private ReportAssert report() {
    return ReportAssert.of(tmp.resolve("r.json"));
  }

  /**
   * The destination equals the source and the report, exit 0, books {@code written} keys, none
   * skipped as existing, no error, and as many as the destination holds.
   */
  private void assertEachKeyWrittenOnce(long written) {
    assertSameAsSource();
    try (Jedis d = dest.server().client()) {
      report()
          .addsUp()
          .exitCode(0)
          .has("written", written)
          .has("skipped_existing", 0)
          .has("errors", 0)
          .writtenMatches(d, 0);
    }
  }

  private static void assertSameAsSource() {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      DatasetAssert.assertSameDataset(s, d);
    }
  }

  private static long restoreStat(String field) {
    return commandStat("restore", field);
  }

  /** A field of the destination's INFO commandstats for {@code command}, 0 if never called. */
  private static long commandStat(String command, String field) {
    try (Jedis d = dest.server().client()) {
      String stats = d.info("commandstats");
      for (String line : stats.split("\r?\n")) {
        if (line.startsWith("cmdstat_" + command + ":")) {
          return Long.parseLong(line.replaceAll(".*[:,]" + field + "=(\\d+).*", "$1"));
        }
      }
      return 0;
    }
  }

  @Test
  void aDestinationCutMidPipelineIsReconnectedAndEveryKeyLandsOnce() throws Exception {
    Path file = dataset();
    try (FaultyProxy proxy = FaultyProxy.to(dest.server())) {
      // Well inside the run (about 1.3 MB of RESTOREs), and inside a command most likely.
      proxy.cutAfter(Direction.TO_SERVER, 500_001);

      Tool.Result r = rdb(file, proxy).inProcess();

      assertEquals(0, r.exit(), r::toString);
      assertEquals(1, proxy.cuts());
      assertEquals(2, proxy.connections(), "one reconnect");
    }
    assertEachKeyWrittenOnce(TOTAL);
    report().has("read", TOTAL);
  }

  /** A second cut while the keys without reply are being sent again: the retries left apply. */
  @Test
  void aSecondCutWhileSendingAgainUsesTheRetriesLeft() throws Exception {
    Path file = dataset();
    try (FaultyProxy proxy = FaultyProxy.to(dest.server())) {
      proxy.cutAfter(Direction.TO_SERVER, 500_001);
      // A longer pause before reconnecting, to arm the second cut meanwhile.
      Run.Background run = rdb(file, proxy, 100, "0.5").inBackground();
      Await.until("the first cut", Duration.ofSeconds(60), () -> proxy.cuts() > 0);
      // The reconnection's PING, then the first of the keys sent again (about 60 bytes each).
      proxy.cutAfter(Direction.TO_SERVER, 3_001);
      Tool.Result r = run.join(120);
      assertEquals(0, r.exit(), r::toString);
      assertEquals(2, proxy.cuts());
      assertEquals(3, proxy.connections(), "two reconnections");
    }
    assertEachKeyWrittenOnce(TOTAL);
  }

  /**
   * Migrates {@code file} through a proxy whose replies stop after 40 KB while the commands still
   * reach the server, then cuts the link: the keys of the last pipelines are applied but
   * unacknowledged, and are sent again after the reconnect. The run must end with exit 0.
   */
  private void migrateWithRepliesLostBeforeACut(Path file) throws Exception {
    try (Jedis d = dest.server().client()) {
      d.configResetStat();
    }
    try (FaultyProxy proxy = FaultyProxy.to(dest.server())) {
      proxy.stallAfter(Direction.TO_CLIENT, 40_000);
      Run.Background run = rdb(file, proxy).inBackground();
      proxy.awaitForwarded(Direction.TO_CLIENT, 40_000, 60_000);
      // The writer sends what its two pipelines hold, then waits for replies that do not come.
      proxy.awaitQuiet(Direction.TO_SERVER, 300);
      long appliedBeforeCut;
      try (Jedis d = dest.server().client()) {
        appliedBeforeCut = d.dbSize();
      }
      proxy.cutNow();
      proxy.resume();
      Tool.Result r = run.join(120);
      assertEquals(0, r.exit(), () -> String.valueOf(r));
      assertTrue(appliedBeforeCut > 0 && appliedBeforeCut < TOTAL, "cut mid-run");
    }
  }

  /**
   * The replies stop while the commands still reach the server, then the link is cut: the keys of
   * the last pipelines are applied but unacknowledged. Sent again, they meet BUSYKEY; the writer
   * finds our own payload there (DUMP) and books them as written, not as skipped.
   */
  @Test
  void aResentKeyThatHadAppliedCountsAsWrittenNotAsExisting() throws Exception {
    Path file = dataset();
    migrateWithRepliesLostBeforeACut(file);
    assertTrue(restoreStat("failed_calls") > 0, "some keys were sent again and met BUSYKEY");
    assertEachKeyWrittenOnce(TOTAL);
  }

  /**
   * The same with big sets and hashes, whose DUMP lists members in the order of each server's own
   * hash table: the destination's DUMP of a key we did write differs from our payload byte for
   * byte, and only the values compare equal.
   */
  @Test
  void aResentHashTableKeyThatHadAppliedCountsAsWrittenToo() throws Exception {
    try (Jedis s = source.server().client()) {
      for (int k = 0; k < 300; k++) {
        var p = s.pipelined();
        for (int m = 0; m < 600; m++) {
          p.sadd("set:" + k, "member-" + m);
          p.hset("hash:" + k, "field-" + m, "value-" + m);
        }
        p.sync();
      }
    }
    Path file = source.server().saveTo(tmp.resolve("dump.rdb"));
    try (Jedis d = dest.server().client()) {
      d.configResetStat();
    }
    try (FaultyProxy proxy = FaultyProxy.to(dest.server())) {
      Run.Background run = rdb(file, proxy, 20, "0.1").inBackground();
      proxy.awaitForwarded(Direction.TO_SERVER, 2_000_000, 60_000);
      proxy.stall(Direction.TO_CLIENT);
      proxy.awaitQuiet(Direction.TO_SERVER, 300);
      proxy.cutNow();
      proxy.resume();
      Tool.Result r = run.join(120);
      assertEquals(0, r.exit(), () -> String.valueOf(r));
    }
    assertTrue(restoreStat("failed_calls") > 0, "some keys were sent again and met BUSYKEY");
    assertEachKeyWrittenOnce(600);
  }

  /**
   * The same for keys rewritten as plain commands: a rewrite sent again is built again under its
   * temporary key, and its RENAMENX then finds the key its first RENAMENX put there. That key is
   * ours, so it counts as rewritten, not as a key that existed.
   */
  @Test
  void aResentRewriteWhoseRenameHadAppliedCountsAsRewrittenNotAsExisting() throws Exception {
    try (Jedis s = newer.server().client()) {
      SampleData.fillAllTypes(s, "t:");
      // Streams are type 21 in 7.2, which 7.0 does not read: each is rewritten as commands (XADD,
      // ... then RENAMENX). A small set would go in one RESTORE of plain encodings instead.
      var p = s.pipelined();
      for (int i = 0; i < KEYS; i++) {
        p.xadd("k" + i, XAddParams.xAddParams(), Map.of("m", "m" + i));
      }
      p.sync();
    }
    Path file = newer.server().saveTo(tmp.resolve("dump.rdb"));
    migrateWithRepliesLostBeforeACut(file);
    // Rewritten: the streams, and of the sample two streams (as commands) and t:set:small (in one
    // RESTORE of plain encodings); the rest restamped.
    int rewritten = KEYS + 3;
    assertTrue(commandStat("renamenx", "calls") > rewritten, "some rewrites were sent again");
    try (Jedis s = newer.server().client();
        Jedis d = dest.server().client()) {
      DatasetAssert.assertSameContent(s, d, 0);
      report()
          .addsUp()
          .exitCode(0)
          .has("written", TOTAL)
          .has("rewritten", rewritten)
          .has("restamped", TOTAL - rewritten)
          .has("skipped_existing", 0)
          .has("errors", 0)
          .writtenMatches(d, 0);
    }
  }

  @Test
  void aStallLongerThanTheTimeoutIsDetectedAndTheRunCompletesExactly() throws Exception {
    Path file = dataset();
    try (FaultyProxy proxy = FaultyProxy.to(dest.server())) {
      proxy.stallAfter(Direction.TO_SERVER, 400_000);
      Run.Background run = rdb(file, proxy).args("--timeout", "1").inBackground();
      proxy.awaitForwarded(Direction.TO_SERVER, 400_000, 60_000);
      proxy.stall(Direction.TO_CLIENT);
      Thread.sleep(2500);
      proxy.resume();
      Tool.Result r = run.join(120);
      assertEquals(0, r.exit(), r::toString);
      assertTrue(proxy.connections() >= 2, "reconnected after the timeout");
    }
    assertEachKeyWrittenOnce(TOTAL);
  }

  /**
   * The server stops reading while a big pipeline (about 20 MB of incompressible values) is being
   * written: the socket buffers fill and the write itself blocks, which a read timeout never sees.
   * The write times out too, the writer reconnects once the link is back, and every key lands.
   */
  @Test
  void aDestinationThatStopsReadingMidWriteIsFoundByTheTimeoutToo() throws Exception {
    try (Jedis s = source.server().client()) {
      var p = s.pipelined();
      java.util.Random random = new java.util.Random(7);
      for (int i = 0; i < 1000; i++) {
        byte[] value = new byte[20_000];
        random.nextBytes(value);
        p.set(("big:" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), value);
      }
      p.sync();
    }
    Path file = source.server().saveTo(tmp.resolve("dump.rdb"));
    try (FaultyProxy proxy = FaultyProxy.to(dest.server())) {
      proxy.stallAfter(Direction.TO_SERVER, 100_000);
      Run.Background run =
          outputs(Run.rdb(file).to(proxy.uri()).args("--timeout", "1", "--retry-backoff", "0.1"))
              .inBackground();
      proxy.awaitForwarded(Direction.TO_SERVER, 100_000, 60_000);
      Thread.sleep(2500);
      proxy.resume();
      Tool.Result r = run.join(120);
      assertEquals(0, r.exit(), () -> String.valueOf(r));
      assertTrue(proxy.connections() >= 2, "reconnected after the write timed out");
    }
    assertEachKeyWrittenOnce(1000);
  }

  /**
   * The link to the server stops for good (replies to what got through still come back): after
   * --retries reconnections the run ends with exit 3, and the report books exactly the keys the
   * destination acknowledged as written; the others are errors, each in the error log.
   */
  @Test
  void aStallThatOutlastsTheRetriesEndsWithExit3AndAnExactReport() throws Exception {
    Path file = dataset();
    Tool.Result r;
    try (FaultyProxy proxy = FaultyProxy.to(dest.server())) {
      proxy.stallAfter(Direction.TO_SERVER, 400_000);

      r = rdb(file, proxy).args("--timeout", "1", "--retries", "2").inProcess();

      assertEquals(3, proxy.connections(), "the first connection and 2 reconnections");
      try (Jedis d = dest.server().client()) {
        ReportAssert report = report().addsUp().exitCode(3).writtenMatches(d, 0);
        long errors = report.get("errors");
        assertTrue(errors > 0, report::toString);
        assertEquals(errors, Files.readAllLines(tmp.resolve("e.log")).size());
        assertTrue(
            report.stopReason().contains("connection lost and not regained after 2 attempts"),
            report::toString);
      }
    }
    assertEquals(3, r.exit(), r::toString);
    assertTrue(r.err().contains("connection lost and not regained after 2 attempts"), r.err());
  }

  @Test
  void aSlowLinkCompletesExactlyWithTheDefaultTimeout() throws Exception {
    Path file =
        SampleData.allTypesAndStrings(source.server(), "t:", "k", 3000, tmp.resolve("dump.rdb"));
    try (FaultyProxy proxy = FaultyProxy.to(dest.server())) {
      // About 200 KB each way at 150 KB/s, 5 ms more per chunk: a few seconds.
      proxy.slow(150_000, 5);

      Tool.Result r = rdb(file, proxy).args("--retries", "0").inProcess();

      assertEquals(0, r.exit(), r::toString);
      assertEquals(1, proxy.connections(), "no timeout, no reconnect");
    }
    assertSameAsSource();
    try (Jedis d = dest.server().client()) {
      report().addsUp().exitCode(0).has("written", 3000 + SampleData.ALL_TYPES_KEYS);
      report().writtenMatches(d, 0);
    }
  }

  @Test
  void aScanSourceCutMidRunResumesFromItsCursorExactly() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "t:");
      SampleData.fillStrings(s, "k", KEYS);
    }
    try (FaultyProxy proxy = FaultyProxy.to(source.server())) {
      // The DUMP replies: about 0.8 MB in all.
      proxy.cutAfter(Direction.TO_CLIENT, 300_001);

      Tool.Result r =
          outputs(
                  Run.scan(proxy.uri())
                      .to(dest.uri() + "/0")
                      .args("--scan-count", "100", "--retry-backoff", "0.1"))
              .inProcess();

      assertEquals(0, r.exit(), r::toString);
      assertEquals(1, proxy.cuts());
      assertEquals(2, proxy.connections(), "one reconnect");
    }
    assertSameAsSource();
    try (Jedis d = dest.server().client()) {
      report()
          .addsUp()
          .exitCode(0)
          .has("read", TOTAL)
          .has("written", TOTAL)
          .has("errors", 0)
          .writtenMatches(d, 0);
    }
  }

  @Test
  void aScanSourceThatStaysAwayEndsWithExit3AfterTheRetries() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", KEYS);
    }
    Tool.Result r;
    try (FaultyProxy proxy = FaultyProxy.to(source.server())) {
      proxy.stallAfter(Direction.TO_CLIENT, 300_001);

      r =
          outputs(
                  Run.scan(proxy.uri())
                      .to(dest.uri() + "/0")
                      .args("--scan-count", "100", "--timeout", "1", "--retries", "2")
                      .args("--retry-backoff", "0.1"))
              .inProcess();

      assertEquals(3, proxy.connections(), "the first connection and 2 reconnections");
    }
    assertEquals(3, r.exit(), r::toString);
    assertTrue(r.err().contains("connection lost"), r.err());
    try (Jedis d = dest.server().client()) {
      ReportAssert report = report().addsUp().exitCode(3).writtenMatches(d, 0);
      assertTrue(report.get("written") > 0 && report.get("written") < KEYS, report::toString);
    }
  }

  private static long stat(Jedis j, String field) {
    return Long.parseLong(j.info("stats").replaceAll("(?s).*\\b" + field + ":(\\d+).*", "$1"));
  }

  /**
   * The replication link to the source is cut while commands stream: the tool reconnects, the
   * source continues where the stream broke (partial resync, no new snapshot), and every INCR and
   * RPUSH lands exactly once, in order.
   */
  @Test
  void aSyncSourceCutInTheLivePhaseContinuesWithAPartialResyncAndAppliesEachCommandOnce()
      throws Exception {
    int commands = 3000;
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 100);
    }
    long fullBefore;
    long partialBefore;
    try (FaultyProxy proxy = FaultyProxy.to(source.server());
        JarRun run =
            outputs(
                    Run.sync(proxy.uri())
                        .to(dest.uri())
                        .pipeline(50)
                        .args("--retry-backoff", "0.2", "--progress", "never"))
                .jar(tmp)) {
      awaitKey(run, "k99", "value-99");
      try (Jedis s = source.server().client()) {
        fullBefore = stat(s, "sync_full");
        partialBefore = stat(s, "sync_partial_ok");
        for (int i = 1; i <= commands; i += 10) {
          var p = s.pipelined();
          for (int j = i; j < i + 10; j++) {
            p.incr("counter");
            p.rpush("log", "entry-" + j);
          }
          p.sync();
          if (i == 1001) {
            proxy.cutNow();
          }
          Thread.sleep(1);
        }
        awaitKey(run, "counter", String.valueOf(commands));
        assertEquals(fullBefore, stat(s, "sync_full"), "no new snapshot");
        assertEquals(partialBefore + 1, stat(s, "sync_partial_ok"), "one partial resync");
      }
      assertEquals(1, proxy.cuts());
      // The start-up checks (INFO, COMMAND), the replication link, its reconnection.
      assertEquals(3, proxy.connections(), run::toString);
      // Nothing applied twice, even later.
      Thread.sleep(500);
      try (Jedis d = dest.server().client()) {
        assertEquals(String.valueOf(commands), d.get("counter"));
        List<String> expected = new ArrayList<>();
        for (int j = 1; j <= commands; j++) {
          expected.add("entry-" + j);
        }
        assertEquals(expected, d.lrange("log", 0, -1));
      }
      assertEquals(130, run.terminate(), run::toString);
    }
    assertSameAsSource();
    try (Jedis d = dest.server().client()) {
      report()
          .addsUp()
          .exitCode(130)
          .has("written", 100)
          .has("commands_applied", 2L * commands)
          .has("commands_failed", 0)
          .writtenMatches(d, 2);
    }
  }

  @Test
  void aSyncSourceCutWithRetries0EndsAtOnceWithExit3() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 100);
    }
    try (FaultyProxy proxy = FaultyProxy.to(source.server());
        JarRun run =
            outputs(
                    Run.sync(proxy.uri())
                        .to(dest.uri())
                        .args("--retries", "0", "--progress", "never"))
                .jar(tmp)) {
      awaitKey(run, "k99", "value-99");
      proxy.cutNow();

      assertEquals(3, run.waitFor(30), run::toString);
      assertTrue(run.err().contains("source " + proxy.uri()), run.err());
      assertEquals(2, proxy.connections(), "no reconnection");
    }
    try (Jedis d = dest.server().client()) {
      report().addsUp().exitCode(3).has("written", 100).writtenMatches(d, 0);
    }
  }

  /** Waits until the destination's {@code key} holds {@code value}. */
  private static void awaitKey(JarRun run, String key, String value) throws InterruptedException {
    try (Jedis d = dest.server().client()) {
      Await.until(
          key + " to become " + value, Duration.ofSeconds(60), run, () -> value.equals(d.get(key)));
    }
  }
}
