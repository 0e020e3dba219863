package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.RepoDir;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * One stop reason per run, by the precedence docs/failure-handling.md gives, against real servers:
 * a read-only replica stops the run with exit 3 and says READONLY (never --max-errors, however many
 * keys it refused), a destination that dies and stays away stops it with exit 3 and "connection
 * lost", keys the destination refuses one by one (OOM) stop it with exit 4 at --max-errors. In
 * every case the report's totals add up.
 */
class StopReasonsIT {
  /** The primary of {@link #replica}; also the source of {@code scan}. */
  @RegisterExtension static final RedisServerExtension primary = RedisServerExtension.debian();

  @RegisterExtension static final RedisServerExtension replica = RedisServerExtension.debian();

  /** A primary and its replica too old to RESTORE the sample's payloads: keys are rewritten. */
  @RegisterExtension
  static final RedisServerExtension oldPrimary = RedisServerExtension.shared("redis-6.2.11");

  @RegisterExtension
  static final RedisServerExtension oldReplica = RedisServerExtension.shared("redis-6.2.11");

  /** A destination with room for part of the data only, which refuses writes beyond it. */
  @RegisterExtension
  static final RedisServerExtension tiny =
      RedisServerExtension.debian("--maxmemory", "3mb", "--maxmemory-policy", "noeviction");

  private static final Path SAMPLE = RepoDir.find().resolve("scripts/sample/sample.rdb");

  @TempDir Path tmp;

  @BeforeEach
  void replicasFollowTheirPrimaries() throws InterruptedException {
    follow(replica, primary);
    follow(oldReplica, oldPrimary);
  }

  private static void follow(RedisServerExtension replica, RedisServerExtension primary)
      throws InterruptedException {
    try (Jedis r = replica.server().client()) {
      r.replicaof("127.0.0.1", primary.server().port());
      Await.until(
          "the replica to sync",
          Duration.ofSeconds(20),
          () -> r.info("replication").contains("master_link_status:up"));
    }
  }

  @AfterEach
  void replicasStandAlone() {
    for (RedisServerExtension r : List.of(replica, oldReplica)) {
      try (Jedis j = r.server().client()) {
        j.replicaofNoOne();
      }
    }
  }

  private String report() {
    return tmp.resolve("r.json").toString();
  }

  private String errorLog() {
    return tmp.resolve("e.log").toString();
  }

  /**
   * Issue 24, case 3: the sample file has keys in several dbs, so a key waits for its SELECT when
   * the first READONLY replies come back; it is booked too, three runs out of three.
   */
  @Test
  void aMultiDbFileIntoAReadOnlyReplicaBooksEveryKeyAndSaysReadOnly() throws Exception {
    for (int run = 1; run <= 3; run++) {
      Tool.Result r = Run.rdb(SAMPLE).to(replica.uri()).args("--report", report()).inProcess();

      assertEquals(ExitCode.CONNECTION, r.exit(), r::toString);
      assertTrue(r.err().contains("read-only replica"), r::toString);
      assertFalse(r.err().contains("--max-errors"), r::toString);
      ReportAssert report =
          ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(ExitCode.CONNECTION);
      // Every key of the file is read (one pipeline holds them all) and refused.
      report.has("read", 274).has("errors", 274);
      assertTrue(report.stopReason().contains("READONLY"), report::toString);
    }
  }

  /**
   * Many keys refused with READONLY reach --max-errors, but the read-only replica is the reason.
   */
  @Test
  void aReadOnlyReplicaIsTheReasonEvenPastMaxErrors() throws Exception {
    Tool.Result r =
        Run.rdb(SAMPLE)
            .to(replica.uri())
            .args("--max-errors", "5", "--report", report(), "--error-log", errorLog())
            .inProcess();

    assertEquals(ExitCode.CONNECTION, r.exit(), r::toString);
    ReportAssert report =
        ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(ExitCode.CONNECTION);
    assertTrue(report.get("errors") > 5, report::toString);
    assertTrue(report.stopReason().contains("read-only replica"), report::toString);
    List<String> logged = Files.readAllLines(tmp.resolve("e.log"));
    assertEquals(report.get("errors"), logged.size());
  }

  /**
   * Keys rewritten as plain commands (a destination too old for their payloads) meet READONLY too:
   * still the read-only replica is the reason, not --max-errors.
   */
  @Test
  void rewrittenKeysIntoAReadOnlyReplicaSayReadOnly() throws Exception {
    Tool.Result r =
        Run.rdb(SAMPLE)
            .to(oldReplica.uri())
            .args("--max-errors", "1", "--report", report(), "--error-log", errorLog())
            .inProcess();

    assertEquals(ExitCode.CONNECTION, r.exit(), r::toString);
    ReportAssert report =
        ReportAssert.of(tmp.resolve("r.json"))
            .addsUp()
            .exitCode(ExitCode.CONNECTION)
            .has("read", 274)
            .has("errors", 274);
    assertTrue(report.stopReason().contains("read-only replica"), report::toString);
  }

  /** Issue 24, case 4 (scan): a full pipeline of READONLY replies is READONLY, not max-errors. */
  @Test
  void scanIntoAReadOnlyReplicaSaysReadOnlyNotMaxErrors() throws Exception {
    try (Jedis p = primary.server().client()) {
      SampleData.fillStrings(p, "k", 3000);
    }

    Tool.Result r =
        Run.scan(primary.uri())
            .to(replica.uri())
            .args("--report", report(), "--error-log", errorLog())
            .inProcess();

    assertEquals(ExitCode.CONNECTION, r.exit(), r::toString);
    ReportAssert report =
        ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(ExitCode.CONNECTION);
    assertTrue(report.get("errors") >= 1000, report::toString);
    assertTrue(report.stopReason().contains("read-only replica"), report::toString);
    assertFalse(report.stopReason().contains("--max-errors"), report::toString);
  }

  /**
   * Issue 24, case 4 (rdb): the destination is killed mid-run and not restarted; the keys in flight
   * fail, more than --max-errors of them, but the lost connection is the reason, with exit 3.
   */
  @Test
  void aDestinationKilledMidRunIsConnectionLostNotMaxErrors() throws Exception {
    try (Jedis p = primary.server().client()) {
      SampleData.fillStrings(p, "k", 30_000);
    }
    Path file = primary.server().saveTo(tmp.resolve("d.rdb"));
    RedisServer doomed = RedisServer.startDebian();
    Run.Background run =
        Run.rdb(file)
            .to(doomed.uri())
            .args(
                "--max-rate",
                "6000",
                "--max-errors",
                "10",
                "--retries",
                "2",
                "--retry-backoff",
                "0.1",
                "--report",
                report(),
                "--error-log",
                errorLog())
            .inBackground();
    try {
      Await.until(
          "2000 keys at the destination", Duration.ofSeconds(20), () -> keys(doomed) >= 2000);
    } finally {
      doomed.close();
    }
    Tool.Result r = run.join(60);

    assertEquals(ExitCode.CONNECTION, r.exit(), r::toString);
    assertTrue(r.err().contains("connection lost and not regained after 2 attempts"), r::toString);
    ReportAssert report =
        ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(ExitCode.CONNECTION);
    assertTrue(report.stopReason().contains("connection lost"), report::toString);
    assertTrue(report.get("written") > 0 && report.get("errors") > 10, report::toString);
    assertTrue(report.get("read") < 30_000, report::toString);
  }

  private static long keys(RedisServer server) {
    try (Jedis j = server.client()) {
      return j.dbSize();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Keys refused one by one (OOM) are the keys' own errors: --max-errors stops with exit 4. */
  @Test
  void keysRefusedForLackOfMemoryStopAtMaxErrorsWithExit4() throws Exception {
    try (Jedis p = primary.server().client()) {
      var pipe = p.pipelined();
      for (int i = 0; i < 20_000; i++) {
        pipe.set("k" + i, "v".repeat(200));
      }
      pipe.sync();
    }
    Path file = primary.server().saveTo(tmp.resolve("d.rdb"));

    Tool.Result r =
        Run.rdb(file)
            .to(tiny.uri())
            .args("--max-errors", "50", "--report", report(), "--error-log", errorLog())
            .inProcess();

    assertEquals(ExitCode.STOPPED, r.exit(), r::toString);
    try (Jedis d = tiny.server().client()) {
      ReportAssert report =
          ReportAssert.of(tmp.resolve("r.json"))
              .addsUp()
              .exitCode(ExitCode.STOPPED)
              .writtenMatches(d, 0);
      assertEquals("reached --max-errors (50 failed keys)", report.stopReason());
      assertTrue(report.get("errors") >= 50, report::toString);
    }
  }
}
