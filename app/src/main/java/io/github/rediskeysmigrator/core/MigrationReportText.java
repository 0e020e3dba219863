package io.github.rediskeysmigrator.core;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link MigrationReport}'s counters as the human summary and as the JSON report's
 * fields; the report counts, this class only words and orders what it counted.
 */
final class MigrationReportText {
  private final MigrationReport r;

  MigrationReportText(MigrationReport report) {
    this.r = report;
  }

  /** The human summary printed on stdout at the end of a run. */
  String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(r.dryRun() ? "Dry run (nothing written): " : "Migration ")
        .append(
            r.exitCode() == ExitCode.OK || r.exitCode() == ExitCode.KEY_ERRORS
                ? "finished"
                : "stopped")
        .append(" in ")
        .append(String.format(Locale.ROOT, "%.1f s", r.durationMs() / 1000.0))
        .append('\n');
    line(sb, "read", r.read.get());
    line(sb, r.dryRun() ? "would write" : "written", r.written.get());
    if (!r.dryRun()) {
      line(sb, "  restored", r.restored.get());
      if (r.restamped.get() > 0) {
        line(sb, "  restamped", r.restamped.get());
      }
      line(sb, "  rewritten", r.rewritten.get());
      if (r.idmpLeftOut.get() > 0) {
        line(sb, "    without IDMP", r.idmpLeftOut.get());
      }
    }
    line(sb, "skipped (existing)", r.skippedExisting.get());
    line(sb, "skipped (expired)", r.skippedExpired.get());
    if (r.skippedGone.get() > 0) {
      line(sb, "skipped (gone)", r.skippedGone.get());
    }
    line(sb, "filtered", r.filtered.get());
    line(sb, "errors", r.errors.get());
    if (r.renamed.get() > 0) {
      line(sb, r.dryRun() ? "would rename" : "renamed", r.renamed.get());
      for (String sample : r.renameSamples) {
        sb.append("    ").append(sample).append('\n');
      }
    }
    sb.append(String.format(Locale.ROOT, "  %-20s %,.0f%n", "keys/s", r.keysPerSecond()));
    if (r.resumed()) {
      line(sb, "skipped (resume)", r.keysSkippedByResume());
      r.resumedFrom().forEach((stream, at) -> row(sb, "resumed", stream + ": " + at));
    }
    if (r.commandsBooked() > 0) {
      row(
          sb,
          "live commands",
          "%,d applied, %,d filtered, %,d skipped, %,d failed",
          r.commandsApplied.get(),
          r.commandsFiltered.get(),
          r.commandsSkipped.get(),
          r.commandsFailed.get());
    }
    if (r.ttlRaceRecovered.get() > 0) {
      line(sb, "TTL races recovered", r.ttlRaceRecovered.get());
    }
    Map<String, Long> unsupported = r.unsupportedTypes();
    if (!unsupported.isEmpty()) {
      StringBuilder types = new StringBuilder();
      unsupported.forEach(
          (t, n) -> types.append(types.length() == 0 ? "" : ", ").append(n).append(' ').append(t));
      row(sb, "types not held", types + " (failed, see the error log)");
    }
    if (r.liveLine != null) {
      sb.append("  ").append(r.liveLine.get()).append('\n');
    }
    long functions =
        r.functionsRestored.get() + r.functionsExisting.get() + r.functionsFailed.get();
    if (functions > 0) {
      row(
          sb,
          "function libraries",
          "%d restored, %d already there, %d failed",
          r.functionsRestored.get(),
          r.functionsExisting.get(),
          r.functionsFailed.get());
    }
    Failovers failovers = r.failovers();
    if (failovers.source() + failovers.destination() > 0) {
      row(
          sb,
          "failovers",
          "%d at the source, %d at the destination",
          failovers.source(),
          failovers.destination());
    }
    if (r.stopReason() != null) {
      sb.append("  stopped: ").append(r.stopReason()).append('\n');
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String label, long value) {
    row(sb, label, "%,d", value);
  }

  /** A row whose text is {@code format} filled with {@code args}, figures as in every locale. */
  private static void row(StringBuilder sb, String label, String format, Object... args) {
    row(sb, label, String.format(Locale.ROOT, format, args));
  }

  private static void row(StringBuilder sb, String label, String text) {
    sb.append(String.format(Locale.ROOT, "  %-20s %s%n", label, text));
  }

  /** The JSON report's fields, in their documented order. */
  Map<String, Object> jsonFields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("command", r.command);
    f.put("source", r.source);
    f.put("destination", r.destination);
    f.put("read", r.read.get());
    f.put("written", r.written.get());
    f.put("restored", r.restored.get());
    f.put("restamped", r.restamped.get());
    f.put("rewritten", r.rewritten.get());
    f.put("idmp_left_out", r.idmpLeftOut.get());
    f.put("skipped_existing", r.skippedExisting.get());
    f.put("skipped_expired", r.skippedExpired.get());
    f.put("skipped_gone", r.skippedGone.get());
    f.put("filtered", r.filtered.get());
    f.put("errors", r.errors.get());
    f.put("renamed", r.renamed.get());
    f.put("resumed", r.resumed());
    f.put("resumed_from", r.resumedFrom());
    f.put("keys_skipped_by_resume", r.keysSkippedByResume());
    f.put("duration_ms", r.durationMs());
    f.put("keys_per_second", JsonText.oneDecimal(r.keysPerSecond()));
    f.put("bytes_read", r.bytesRead());
    f.put("commands_read", r.commandsRead.get());
    f.put("commands_applied", r.commandsApplied.get());
    f.put("commands_filtered", r.commandsFiltered.get());
    f.put("commands_skipped", r.commandsSkipped.get());
    f.put("commands_failed", r.commandsFailed.get());
    f.put("ttl_race_recovered", r.ttlRaceRecovered.get());
    f.put("unsupported_types", r.unsupportedTypes());
    if (r.liveFields != null) {
      f.putAll(r.liveFields.get());
    }
    f.put("source_failovers", r.failovers().source());
    f.put("destination_failovers", r.failovers().destination());
    f.put("functions_restored", r.functionsRestored.get());
    f.put("functions_existing", r.functionsExisting.get());
    f.put("functions_failed", r.functionsFailed.get());
    f.put("dry_run", r.dryRun());
    f.put("stop_reason", r.stopReason());
    f.put("exit_code", r.exitCode());
    return f;
  }
}
