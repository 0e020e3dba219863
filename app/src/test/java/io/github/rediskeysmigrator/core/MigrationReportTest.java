package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Checks the counters of {@link MigrationReport}, its accounting identity and its JSON form. */
class MigrationReportTest {
  private static final Set<String> DESIGN_FIELDS =
      Set.of(
          "command",
          "source",
          "destination",
          "read",
          "written",
          "skipped_existing",
          "skipped_expired",
          "filtered",
          "errors",
          "duration_ms",
          "keys_per_second",
          "bytes_read",
          "exit_code");

  private static MigrationReport report(
      long written, long existing, long expired, long filtered, long errors) {
    MigrationReport r = new MigrationReport("rdb", "dump.rdb", "redis://:***@host:6379/0", false);
    r.written.set(written);
    r.skippedExisting.set(existing);
    r.skippedExpired.set(expired);
    r.filtered.set(filtered);
    r.errors.set(errors);
    r.read.set(written + existing + expired + filtered + errors);
    return r;
  }

  @Test
  void jsonHasEveryFieldDesignMdLists() {
    MigrationReport r = report(5, 4, 3, 2, 1);
    r.finish(3000, 123_456, ExitCode.KEY_ERRORS, null);
    Map<String, Object> json = JsonText.object(r.toJson());
    assertTrue(json.keySet().containsAll(DESIGN_FIELDS), () -> "missing from " + json.keySet());
    assertEquals("rdb", json.get("command"));
    assertEquals("dump.rdb", json.get("source"));
    assertEquals("redis://:***@host:6379/0", json.get("destination"));
    assertEquals(new BigDecimal(15), json.get("read"));
    assertEquals(new BigDecimal(5), json.get("written"));
    assertEquals(new BigDecimal(4), json.get("skipped_existing"));
    assertEquals(new BigDecimal(3), json.get("skipped_expired"));
    assertEquals(new BigDecimal(2), json.get("filtered"));
    assertEquals(new BigDecimal(1), json.get("errors"));
    assertEquals(new BigDecimal(3000), json.get("duration_ms"));
    assertEquals(0, new BigDecimal(5).compareTo((BigDecimal) json.get("keys_per_second")));
    assertEquals(new BigDecimal(123_456), json.get("bytes_read"));
    assertEquals(new BigDecimal(1), json.get("exit_code"));
  }

  @Test
  void jsonCarriesStopReasonAndDryRun() {
    MigrationReport r = new MigrationReport("rdb", "a.rdb", "redis://h:1", true);
    r.finish(10, 0, ExitCode.STOPPED, "--max-errors 3 reached");
    Map<String, Object> json = JsonText.object(r.toJson());
    assertEquals("--max-errors 3 reached", json.get("stop_reason"));
    assertEquals(Boolean.TRUE, json.get("dry_run"));
    assertEquals(new BigDecimal(4), json.get("exit_code"));

    MigrationReport clean = report(1, 0, 0, 0, 0);
    clean.finish(10, 0, ExitCode.OK, null);
    Map<String, Object> cleanJson = JsonText.object(clean.toJson());
    assertTrue(cleanJson.containsKey("stop_reason"));
    assertNull(cleanJson.get("stop_reason"));
    assertEquals(Boolean.FALSE, cleanJson.get("dry_run"));
  }

  @Test
  void jsonEscapesNamesWithQuotesBackslashesAndControlCharacters() {
    String source = "C:\\dumps\\\"odd\"\nname\t\u0001.rdb,b.rdb";
    String stop = "key \"a\\b\" failed:\r\n\u001b[31m";
    MigrationReport r = new MigrationReport("rdb", source, "redis://h:1", false);
    r.finish(1, 0, ExitCode.STOPPED, stop);
    Map<String, Object> json = JsonText.object(r.toJson());
    assertEquals(source, json.get("source"));
    assertEquals(stop, json.get("stop_reason"));
  }

  @Test
  void jsonIsOneLine() {
    MigrationReport r = report(1, 0, 0, 0, 0);
    r.finish(1, 0, ExitCode.OK, "a\nb");
    String json = r.toJson();
    assertTrue(json.endsWith("}\n"));
    assertEquals(json.strip(), json.strip().lines().findFirst().orElseThrow());
  }

  @Test
  void jsonNumbersUseADotWhateverTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
    try {
      MigrationReport r = report(1000, 0, 0, 0, 1);
      r.finish(400, 0, ExitCode.KEY_ERRORS, null);
      Map<String, Object> json = JsonText.object(r.toJson());
      assertEquals(0, new BigDecimal("2502.5").compareTo((BigDecimal) json.get("keys_per_second")));
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void balancedWhenEveryKeyReadIsInOneBucket() {
    assertTrue(report(5, 4, 3, 2, 1).balanced());
    assertTrue(report(0, 0, 0, 0, 0).balanced());
  }

  @Test
  void unbalancedWhenAKeyIsLostOrCountedTwice() {
    MigrationReport lost = report(5, 4, 3, 2, 1);
    lost.read.incrementAndGet();
    assertFalse(lost.balanced());
    MigrationReport twice = report(5, 4, 3, 2, 1);
    twice.written.incrementAndGet();
    assertFalse(twice.balanced());
  }

  @Test
  void liveCommandsReadMustEachBeBookedOnce() {
    MigrationReport r = report(5, 4, 3, 2, 1);
    r.restored.set(5);
    r.commandsRead.set(10);
    r.commandsApplied.set(6);
    r.commandsFiltered.set(1);
    r.commandsSkipped.set(1);
    r.commandsFailed.set(2);
    assertNull(r.imbalance());
    r.commandsRead.incrementAndGet();
    assertEquals(
        "commands_read 11, but commands_applied 6 + commands_filtered 1 + commands_skipped 1"
            + " + commands_failed 2 = 10",
        r.imbalance());
  }

  @Test
  void keysPerSecondIsReadOverDuration() {
    MigrationReport r = report(1000, 0, 0, 0, 0);
    assertEquals(0.0, r.keysPerSecond());
    r.finish(500, 0, ExitCode.OK, null);
    assertEquals(2000.0, r.keysPerSecond());
  }

  @Test
  void exitCodeIsUnsetUntilFinished() {
    MigrationReport r = report(0, 0, 0, 0, 0);
    assertEquals(-1, r.exitCode());
    r.finish(1, 2, ExitCode.OK, null);
    assertEquals(ExitCode.OK, r.exitCode());
    assertEquals(2, r.bytesRead());
    assertEquals(1, r.durationMs());
  }

  @Test
  void summaryNamesEveryCounter() {
    MigrationReport r = report(12_345, 4, 3, 2, 1);
    r.finish(2000, 0, ExitCode.KEY_ERRORS, null);
    String summary = r.summary();
    assertTrue(summary.startsWith("Migration finished in 2.0 s"), summary);
    assertTrue(summary.contains("12,345"), summary);
    for (String label :
        new String[] {"read", "written", "skipped (existing)", "skipped (expired)", "filtered"}) {
      assertTrue(summary.contains(label), () -> label + " not in " + summary);
    }
    assertTrue(summary.contains("errors"), summary);
  }

  @Test
  void summarySaysStoppedAndWhy() {
    MigrationReport r = report(1, 0, 0, 0, 3);
    r.finish(100, 0, ExitCode.STOPPED, "--max-errors 3 reached");
    assertSummary(r, "Migration stopped", "stopped: --max-errors 3 reached");
  }

  @Test
  void dryRunSummarySaysNothingWasWritten() {
    MigrationReport r = new MigrationReport("rdb", "a.rdb", "redis://h:1", true);
    r.finish(100, 0, ExitCode.OK, null);
    assertSummary(r, "Dry run (nothing written)", "would write");
  }

  private static void assertSummary(MigrationReport r, String opening, String line) {
    String summary = r.summary();
    assertTrue(summary.startsWith(opening), summary);
    assertTrue(summary.contains(line), summary);
  }

  @Test
  void keysGoneAtTheSourceAreABucketOfTheirOwn() {
    MigrationReport r = new MigrationReport("scan", "src", "dst", false);
    r.read.addAndGet(3);
    r.written.incrementAndGet();
    r.skippedGone.addAndGet(2);
    assertTrue(r.balanced());
    r.finish(10, 0, 0, null);
    assertTrue(r.toJson().contains("\"skipped_gone\":2,"), r.toJson());
    assertTrue(r.summary().contains("skipped (gone)"), r.summary());
  }

  @Test
  void writtenKeysAreSplitIntoRestoredAndRewritten() {
    MigrationReport r = report(5, 0, 0, 0, 0);
    r.restored.set(3);
    r.rewritten.set(2);
    r.finish(1000, 0, ExitCode.OK, null);

    Map<String, Object> json = JsonText.object(r.toJson());
    assertEquals(new BigDecimal(3), json.get("restored"));
    assertEquals(new BigDecimal(2), json.get("rewritten"));
    String summary = r.summary();
    assertTrue(summary.contains("    restored           3"), summary);
    assertTrue(summary.contains("    rewritten          2"), summary);
  }

  @Test
  void keysReadAgainAfterATtlRaceAreInTheJsonAndTheSummary() {
    MigrationReport r = new MigrationReport("sync", "src", "dst", false);
    r.finish(10, 0, 0, null);
    assertTrue(r.toJson().contains("\"commands_failed\":0,\"ttl_race_recovered\":0,"), r.toJson());
    assertFalse(r.summary().contains("TTL races"), r.summary());

    r.ttlRaceRecovered.addAndGet(4);
    assertTrue(r.toJson().contains("\"ttl_race_recovered\":4,"), r.toJson());
    assertTrue(r.summary().contains("TTL races recovered  4"), r.summary());
  }
}
