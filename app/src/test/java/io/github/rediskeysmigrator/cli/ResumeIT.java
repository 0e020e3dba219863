package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.CheckpointFile;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.LocalCluster;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code rdb} and {@code scan} with {@code --checkpoint}, each killed with SIGKILL three times at a
 * random moment and resumed each time, against real servers: the last run resumes where the
 * checkpoint says, ends with exit 0, its report adds up and says where it resumed, and {@code
 * verify} finds the destination equal to the source. A third run of a complete checkpoint writes
 * nothing; a run whose input files or --match differ from the checkpoint's is refused (exit 2).
 * Into a cluster destination and out of a cluster source (a cursor per master) likewise.
 */
class ResumeIT {
  /** Keys in db 0 of each source; the kills land within the first half of a run. */
  private static final int KEYS = 70_000;

  /** Keys in db 1 of {@link #a}: a scan of --db 0,1 resumes across dbs. */
  private static final int KEYS_DB1 = 5_000;

  /** Throttles each run to a few seconds, so that a kill lands mid-run. */
  private static final String RATE = "25000";

  @RegisterExtension static final RedisServerExtension a = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension b = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();
  @RegisterExtension static final LocalCluster cluster = new LocalCluster();

  @TempDir Path tmp;

  // Printed with every failure, so a failing kill schedule can be replayed.
  private final long seed = System.nanoTime();
  private final Random random = new Random(seed);

  @Test
  void rdbKilledThreeTimesResumesAndEndsEqualToItsFiles() throws Exception {
    fill(a, "a:", 0, KEYS);
    fill(a, "a1:", 1, KEYS_DB1);
    fill(b, "b:", 0, KEYS);
    Path fileA = a.server().saveTo(tmp.resolve("a.rdb"));
    Path fileB = b.server().saveTo(tmp.resolve("b.rdb"));
    Path ck = tmp.resolve("rdb.checkpoint");
    long total = 2L * KEYS + KEYS_DB1;
    Run run =
        Run.rdb(fileA)
            .args(fileB.toString())
            .to(dest.uri())
            .checkpoint(ck)
            .args("--max-rate", RATE, "--progress", "never", "--error-log", "e.log");

    kill(run, ck, total, 3);
    JarRun last = run.args("--report", "r.json").jar(tmp);
    assertEquals(ExitCode.OK, last.waitFor(120), last.toString());
    ReportAssert report = ReportAssert.of(tmp.resolve("r.json")).addsUp();
    assertEquals(total, report.get("read") + report.get("keys_skipped_by_resume"), why(report));
    assertTrue(report.get("keys_skipped_by_resume") > 0, why(report));
    assertTrue(last.err().contains("resuming from checkpoint"), last.err());
    assertTrue(CheckpointFile.complete(ck));

    Tool.Result verify =
        Run.of("verify", "--from", fileA.toString(), "--from", fileB.toString())
            .to(dest.uri())
            .outputsIn(tmp)
            .inProcess();
    assertEquals(ExitCode.OK, verify.exit(), verify.out() + verify.err());

    // A complete checkpoint: nothing read, nothing written, the file left as it was.
    String saved = Files.readString(ck);
    Tool.Result again =
        Run.rdb(fileA)
            .args(fileB.toString())
            .to(dest.uri())
            .checkpoint(ck)
            .outputsIn(tmp)
            .inProcess();
    assertEquals(ExitCode.OK, again.exit(), again.err());
    assertTrue(again.err().contains("already complete"), again.err());
    ReportAssert.of(tmp.resolve("r.json"))
        .addsUp()
        .has("read", 0)
        .has("written", 0)
        .has("keys_skipped_by_resume", total);
    assertEquals(saved, Files.readString(ck));

    // Another --match, or other input files, than the checkpoint's: refused, naming the difference.
    Tool.Result match =
        Run.rdb(fileA)
            .args(fileB.toString())
            .to(dest.uri())
            .checkpoint(ck)
            .args("--match", "a:*")
            .outputsIn(tmp)
            .inProcess();
    assertEquals(ExitCode.USAGE, match.exit(), match.err());
    assertTrue(match.err().contains("--match differs"), match.err());
    Tool.Result files =
        Run.rdb(fileB)
            .args(fileA.toString())
            .to(dest.uri())
            .checkpoint(ck)
            .outputsIn(tmp)
            .inProcess();
    assertEquals(ExitCode.USAGE, files.exit(), files.err());
    assertTrue(files.err().contains("input file 1 differs"), files.err());
    assertEquals(saved, Files.readString(ck));
  }

  @Test
  void scanKilledThreeTimesResumesAndEndsEqualToItsSource() throws Exception {
    fill(a, "a:", 0, KEYS);
    fill(a, "a1:", 1, KEYS_DB1);
    Path ck = tmp.resolve("scan.checkpoint");
    long total = KEYS + KEYS_DB1;
    Run run =
        Run.scan(a.uri())
            .to(dest.uri())
            .checkpoint(ck)
            .args("--db", "0,1", "--scan-count", "200", "--max-rate", "12000")
            .args("--progress", "never", "--error-log", "e.log");

    kill(run, ck, total, 3);
    JarRun last = run.args("--report", "r.json").jar(tmp);
    assertEquals(ExitCode.OK, last.waitFor(120), last.toString());
    ReportAssert report = ReportAssert.of(tmp.resolve("r.json")).addsUp();
    // SCAN may list a key twice (never here: nothing rehashes), never skip one.
    assertTrue(report.get("read") + report.get("keys_skipped_by_resume") >= total, why(report));
    assertTrue(report.get("keys_skipped_by_resume") > 0, why(report));
    assertTrue(CheckpointFile.complete(ck));

    Tool.Result verify =
        Run.verify(a.uri()).to(dest.uri()).args("--db", "0,1").outputsIn(tmp).inProcess();
    assertEquals(ExitCode.OK, verify.exit(), verify.out() + verify.err());

    Tool.Result db =
        Run.scan(a.uri())
            .to(dest.uri())
            .checkpoint(ck)
            .args("--db", "0")
            .outputsIn(tmp)
            .inProcess();
    assertEquals(ExitCode.USAGE, db.exit(), db.err());
    assertTrue(db.err().contains("--db differs"), db.err());
  }

  @Test
  void rdbIntoAClusterAndScanOfAClusterResumePerMaster() throws Exception {
    int keys = 20_000;
    fill(a, "c:", 0, keys);
    Path file = a.server().saveTo(tmp.resolve("c.rdb"));

    // The cluster as the destination: each flush waits for every master's replies.
    Path rdbCk = tmp.resolve("rdb.checkpoint");
    Run rdb =
        Run.rdb(file)
            .to(cluster.uri())
            .checkpoint(rdbCk)
            .args("--max-rate", "8000", "--progress", "never", "--error-log", "e.log");
    kill(rdb, rdbCk, keys, 1);
    JarRun rdbLast = rdb.args("--report", "rdb.json").jar(tmp);
    assertEquals(ExitCode.OK, rdbLast.waitFor(120), rdbLast.toString());
    ReportAssert rdbReport = ReportAssert.of(tmp.resolve("rdb.json")).addsUp();
    assertEquals(keys, rdbReport.get("read") + rdbReport.get("keys_skipped_by_resume"));
    Tool.Result rdbVerify =
        Run.of("verify", "--from", file.toString()).to(cluster.uri()).outputsIn(tmp).inProcess();
    assertEquals(ExitCode.OK, rdbVerify.exit(), rdbVerify.out() + rdbVerify.err());

    // The cluster as the source: one SCAN cursor per master in the one checkpoint.
    Path scanCk = tmp.resolve("scan.checkpoint");
    Run scan =
        Run.scan(cluster.uri())
            .to(dest.uri())
            .checkpoint(scanCk)
            .args("--max-rate", "8000", "--progress", "never", "--error-log", "e.log");
    kill(scan, scanCk, keys, 1);
    String saved = Files.readString(scanCk);
    assertTrue(saved.contains("stream.3="), saved);
    JarRun scanLast = scan.args("--report", "scan.json").jar(tmp);
    assertEquals(ExitCode.OK, scanLast.waitFor(120), scanLast.toString());
    ReportAssert scanReport = ReportAssert.of(tmp.resolve("scan.json")).addsUp();
    assertTrue(scanReport.get("keys_skipped_by_resume") > 0, why(scanReport));
    Tool.Result scanVerify = Run.verify(cluster.uri()).to(dest.uri()).outputsIn(tmp).inProcess();
    assertEquals(ExitCode.OK, scanVerify.exit(), scanVerify.out() + scanVerify.err());
  }

  /**
   * Starts {@code run} {@code times} times, each killed with SIGKILL at a random moment (up to 0.4
   * s) after its checkpoint has moved on by a random number of keys (within a sixth of {@code
   * total}): each kill lands while keys are in flight, and the next run resumes from what the
   * checkpoint holds.
   */
  private void kill(Run run, Path ck, long total, int times) throws InterruptedException {
    long acknowledged = 0;
    for (int kill = 1; kill <= times; kill++) {
      long target = acknowledged + 1 + random.nextInt((int) (total / 6));
      try (JarRun jar = run.jar(tmp)) {
        Await.until(
            "run " + kill + "'s checkpoint to pass " + target + " keys (seed " + seed + ")",
            Duration.ofSeconds(120),
            jar,
            () -> CheckpointFile.keys(ck) >= target);
        // The checkpoint is written about once a second: a random delay puts the kill anywhere
        // in that cycle, with keys acknowledged but not yet recorded, and keys in flight.
        Thread.sleep(random.nextInt(400));
        jar.kill();
      }
      long now = CheckpointFile.keys(ck);
      assertTrue(now >= target, "seed " + seed + ": " + now + " < " + target);
      assertFalse(CheckpointFile.complete(ck), "seed " + seed + ": the run ended before its kill");
      acknowledged = now;
    }
  }

  private String why(ReportAssert report) {
    return "seed " + seed + ": " + report;
  }

  /** {@code n} keys named {@code prefix}N in {@code db}: strings, hashes, lists, some with TTL. */
  private static void fill(RedisServerExtension server, String prefix, int db, int n) {
    try (Jedis j = server.server().client()) {
      j.select(db);
      Pipeline p = j.pipelined();
      for (int i = 0; i < n; i++) {
        String key = prefix + i;
        switch (i % 10) {
          case 0 -> p.hset(key, "f" + i, "v" + i);
          case 1 -> p.rpush(key, "x", "y", String.valueOf(i));
          case 2 -> p.psetex(key, 3_600_000, "ttl" + i);
          default -> p.set(key, "value-" + i);
        }
        if (i % 5_000 == 4_999) {
          p.sync();
        }
      }
      p.sync();
    }
  }
}
