package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The destination answers BUSY, READONLY or OOM: wait it out, stop with a clear message, or book
 * each refused key as an error; in every case the report's totals add up and its {@code written} is
 * what the destination holds.
 */
class DestinationStatesIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension replica = RedisServerExtension.debian();

  /** A destination with room for part of the data only, which refuses writes beyond it. */
  @RegisterExtension
  static final RedisServerExtension tiny =
      RedisServerExtension.debian("--maxmemory", "3mb", "--maxmemory-policy", "noeviction");

  @TempDir Path tmp;

  private Path file(int keys) {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", keys);
    }
    return source.server().saveTo(tmp.resolve("d.rdb"));
  }

  /** Starts an endless script at the destination, which answers BUSY until SCRIPT KILL. */
  private static Thread startBusyScript() {
    Thread busy =
        new Thread(
            () -> {
              try (Jedis d = dest.server().client()) {
                d.eval("while true do end");
              } catch (RuntimeException killed) {
                // SCRIPT KILL ends the script with an error reply; that is the point.
              }
            });
    busy.start();
    return busy;
  }

  @Test
  void aBusyDestinationIsWaitedOutAndEveryKeyLands() throws Exception {
    Path file = file(6000);
    dest.server().configSet("busy-reply-threshold", "100");
    Run.Background run =
        Run.rdb(file)
            .to(dest.uri())
            .args("--max-rate", "3000")
            .pipeline(100)
            .args("--retries", "10")
            .report(tmp.resolve("r.json"))
            .errorLog(tmp.resolve("e.log"))
            .inBackground();
    Thread.sleep(700);
    Thread busy = startBusyScript();
    Thread.sleep(1200);
    try (Jedis d = dest.server().client()) {
      d.scriptKill();
    } finally {
      busy.join();
      dest.server().configSet("busy-reply-threshold", "5000");
    }
    Tool.Result result = run.join(120);
    assertEquals(0, result.exit(), result::toString);
    try (Jedis d = dest.server().client()) {
      ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(0).has("written", 6000);
      ReportAssert.of(tmp.resolve("r.json")).writtenMatches(d, 0);
      assertEquals(6000, d.dbSize());
    }
  }

  @Test
  void aDestinationBusyAtStartIsWaitedFor() throws Exception {
    Path file = file(100);
    dest.server().configSet("busy-reply-threshold", "100");
    Thread busy = startBusyScript();
    Thread.sleep(300);
    Thread killer =
        new Thread(
            () -> {
              try {
                Thread.sleep(2000);
                try (Jedis d = dest.server().client()) {
                  d.scriptKill();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    killer.start();
    try {
      Tool.Result r = Run.rdb(file).to(dest.uri()).errorLog(tmp.resolve("e.log")).inProcess();
      assertEquals(0, r.exit(), r::toString);
    } finally {
      killer.join();
      busy.join();
      dest.server().configSet("busy-reply-threshold", "5000");
    }
    try (Jedis d = dest.server().client()) {
      assertEquals(100, d.dbSize());
    }
  }

  @Test
  void aReadOnlyReplicaStopsTheRunWithExit3AndTheTotalsStillAddUp() throws Exception {
    Path file = file(3000);
    try (Jedis r = replica.server().client()) {
      r.replicaof("127.0.0.1", source.server().port());
    }
    try {
      Tool.Result r =
          Run.rdb(file)
              .to(replica.uri())
              .pipeline(100)
              .report(tmp.resolve("r.json"))
              .errorLog(tmp.resolve("e.log"))
              .inProcess();
      assertEquals(3, r.exit(), r::toString);
      assertTrue(r.err().contains("read-only replica"), r.err());
      ReportAssert totals = ReportAssert.of(tmp.resolve("r.json"));
      assertEquals(totals.get("read"), totals.get("errors"), totals::toString);
      // The replica holds its primary's keys, none of ours: nothing counted as written.
      ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(3).has("written", 0);
    } finally {
      try (Jedis r = replica.server().client()) {
        r.replicaofNoOne();
      }
    }
  }

  private Path bigValues(int keys) {
    try (Jedis s = source.server().client()) {
      var p = s.pipelined();
      for (int i = 0; i < keys; i++) {
        p.set("k" + i, expectedValue("k" + i));
      }
      p.sync();
    }
    return source.server().saveTo(tmp.resolve("d.rdb"));
  }

  private static String expectedValue(String key) {
    return key + ":" + "v".repeat(200);
  }

  /**
   * maxmemory reached with noeviction: every key that does not fit is refused with OOM, logged with
   * that reason and counted as an error; the run goes on (no --max-errors) and ends with exit 1;
   * what did fit is there, whole.
   */
  /** 20,000 big values migrated into the tiny server, with this --max-errors. */
  private Tool.Result bigValuesIntoTiny(int maxErrors) throws Exception {
    return Run.rdb(bigValues(20_000))
        .to(tiny.uri())
        .args("--max-errors", String.valueOf(maxErrors))
        .report(tmp.resolve("r.json"))
        .errorLog(tmp.resolve("e.log"))
        .inProcess();
  }

  @Test
  void keysRefusedForLackOfMemoryAreErrorsWithTheirReasonAndTheTotalsAddUp() throws Exception {
    Tool.Result r = bigValuesIntoTiny(0);

    assertEquals(1, r.exit(), r::toString);
    assertEquals(
        "Errors occurred during the execution. Check |" + tmp.resolve("e.log") + "| for details",
        r.lastLine());
    java.util.List<String> logged = Files.readAllLines(tmp.resolve("e.log"));
    try (Jedis d = tiny.server().client()) {
      ReportAssert report =
          ReportAssert.of(tmp.resolve("r.json"))
              .addsUp()
              .exitCode(1)
              .has("read", 20_000)
              .has("skipped_existing", 0)
              .writtenMatches(d, 0);
      long errors = report.get("errors");
      assertTrue(errors > 0 && report.get("written") > 0, report::toString);
      assertEquals(errors, logged.size());
      for (String line : logged) {
        assertTrue(line.contains("OOM command not allowed"), line);
      }
      for (String hex : io.github.rediskeysmigrator.testing.DatasetAssert.keys(d)) {
        String key =
            new String(
                java.util.HexFormat.of().parseHex(hex), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(expectedValue(key), d.get(key));
      }
    }
  }

  @Test
  void outOfMemoryStopsAtMaxErrorsWithExit4AndTheTotalsAddUp() throws Exception {
    Tool.Result r = bigValuesIntoTiny(50);

    assertEquals(4, r.exit(), r::toString);
    assertTrue(r.err().contains("reached --max-errors (50 failed keys)"), r.err());
    try (Jedis d = tiny.server().client()) {
      ReportAssert report =
          ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(4).writtenMatches(d, 0);
      assertTrue(report.get("errors") >= 50, report::toString);
      assertEquals(report.get("errors"), Files.readAllLines(tmp.resolve("e.log")).size());
    }
  }
}
