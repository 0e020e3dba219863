package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merging per-shard JSON reports: sums, longest duration, recomputed rate, worst exit code. */
class ReportMergeTest {

  /** A finished report as a run writes it. */
  private static String report(
      String source, long written, long existing, long errors, long durationMs, int exit) {
    MigrationReport r = new MigrationReport("rdb", source, "redis://dest:6379/0", false);
    r.read.set(written + existing + errors);
    r.written.set(written);
    r.skippedExisting.set(existing);
    r.errors.set(errors);
    r.finish(durationMs, 1000 * written, exit, exit > 1 ? "stopped for a reason" : null);
    return r.toJson();
  }

  private static ReportMerge merge(String... jsons) {
    List<ReportMerge.Input> in = new ArrayList<>();
    for (int i = 0; i < jsons.length; i++) {
      in.add(new ReportMerge.Input("report-" + i + ".json", jsons[i]));
    }
    return ReportMerge.of(in);
  }

  private static long number(Map<String, Object> json, String field) {
    return ((BigDecimal) json.get(field)).longValueExact();
  }

  @Test
  void sumsCountsTakesTheLongestDurationAndRecomputesTheRate() {
    ReportMerge m =
        merge(report("a.rdb", 100, 20, 0, 2000, 0), report("b.rdb", 300, 0, 0, 4000, 0));

    Map<String, Object> json = JsonText.object(m.toJson());
    assertEquals(420, number(json, "read"));
    assertEquals(400, number(json, "written"));
    assertEquals(20, number(json, "skipped_existing"));
    assertEquals(4000, number(json, "duration_ms"));
    assertEquals(new BigDecimal("105.0"), json.get("keys_per_second"));
    assertEquals(400_000, number(json, "bytes_read"));
    assertEquals("a.rdb,b.rdb", json.get("source"));
    assertEquals("redis://dest:6379/0", json.get("destination"));
    assertEquals(0, number(json, "exit_code"));
    assertNull(json.get("stop_reason"));
    assertEquals(2, number(json, "shards"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> inputs = (List<Map<String, Object>>) json.get("inputs");
    assertEquals("report-1.json", inputs.get(1).get("file"));
    assertEquals("b.rdb", inputs.get(1).get("source"));
    assertEquals(300, number(inputs.get(1), "read"));
    assertEquals(0, m.exitCode());
    assertTrue(
        m.summary().startsWith("Merged 2 reports\nMigration finished in 4.0 s"), m.summary());
  }

  @Test
  void theTypesADestinationCannotHoldAreSummedPerType() {
    MigrationReport a = new MigrationReport("sync", "a", "d", false);
    a.unsupportedType("vectorset");
    a.unsupportedType("vectorset");
    a.finish(1, 0, 1, null);
    MigrationReport b = new MigrationReport("sync", "b", "d", false);
    b.unsupportedType("vectorset");
    b.finish(1, 0, 0, null);

    Map<String, Object> json = JsonText.object(merge(a.toJson(), b.toJson()).toJson());
    assertEquals(Map.of("vectorset", new BigDecimal(3)), json.get("unsupported_types"));
    assertTrue(
        a.summary().contains("  types not held       2 vectorset (failed, see the error log"),
        a.summary());
  }

  @Test
  void theExitCodeIsTheHighestAndEveryStopReasonNamesItsReport() {
    ReportMerge m =
        merge(
            report("a.rdb", 1, 0, 1, 10, ExitCode.KEY_ERRORS),
            report("b.rdb", 0, 0, 0, 10, ExitCode.CONNECTION),
            report("c.rdb", 5, 0, 0, 10, ExitCode.OK));

    assertEquals(ExitCode.CONNECTION, m.exitCode());
    Map<String, Object> json = JsonText.object(m.toJson());
    assertEquals(3, number(json, "exit_code"));
    assertEquals("report-1.json: stopped for a reason", json.get("stop_reason"));
    assertTrue(m.summary().contains("  exit 1               report-0.json\n"), m.summary());
    assertTrue(m.summary().contains("  exit 3               report-1.json\n"), m.summary());
  }

  @Test
  void aReportWhoseCountsDoNotAddUpIsRefused() {
    String bad = report("a.rdb", 10, 0, 0, 10, 0).replace("\"read\":10,", "\"read\":11,");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> merge(report("b.rdb", 1, 0, 0, 1, 0), bad));
    assertEquals(
        "report-1.json: the counts do not add up: read 11 but written 10 + skipped_existing 0"
            + " + skipped_expired 0 + skipped_gone 0 + filtered 0 + errors 0 = 10",
        e.getMessage());
  }

  @Test
  void malformedOrForeignInputsAreRefusedByName() {
    String good = report("a.rdb", 1, 0, 0, 1, 0);
    assertEquals(
        "report-1.json: not a JSON report: Unexpected end-of-input: expected close marker for"
            + " Object (start marker at line 1, column 1) at line 1, column 10",
        assertThrows(IllegalArgumentException.class, () -> merge(good, "{\"read\":1"))
            .getMessage());
    assertEquals(
        "report-0.json: not a migration report (it has no \"command\")",
        assertThrows(IllegalArgumentException.class, () -> merge("{\"read\":1}")).getMessage());
    assertEquals(
        "report-0.json: \"written\" is not a whole number: 1.5",
        assertThrows(
                IllegalArgumentException.class,
                () -> merge(good.replace("\"written\":1,", "\"written\":1.5,")))
            .getMessage());
    assertEquals(
        "report-0.json: \"read\" is not a whole number: null",
        assertThrows(
                IllegalArgumentException.class,
                () -> merge(good.replace("\"read\":1,", "\"read\":null,")))
            .getMessage());
    assertEquals(
        "report-0.json: not a JSON report: not a JSON object",
        assertThrows(IllegalArgumentException.class, () -> merge("[1]")).getMessage());
  }

  @Test
  void dryRunsAndRealRunsDoNotMix() {
    MigrationReport dry = new MigrationReport("rdb", "a.rdb", "d", true);
    dry.finish(1, 0, 0, null);
    assertThrows(
        IllegalArgumentException.class, () -> merge(dry.toJson(), report("b.rdb", 1, 0, 0, 1, 0)));
  }

  @Test
  void everyCountOfARunReportIsMergedOrHandledOnPurpose() {
    // A counter added to MigrationReport must be added to the merge too: this fails until it is.
    Map<String, Object> json = JsonText.object(report("a.rdb", 1, 0, 0, 1, 0));
    List<String> handled = List.of("duration_ms", "keys_per_second", "bytes_read", "exit_code");
    for (Map.Entry<String, Object> e : json.entrySet()) {
      if (e.getValue() instanceof BigDecimal) {
        assertTrue(
            ReportMerge.COUNTERS.containsKey(e.getKey()) || handled.contains(e.getKey()),
            "the merge does not know the report's field " + e.getKey());
      }
    }
  }
}
