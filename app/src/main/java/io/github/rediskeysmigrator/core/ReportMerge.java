package io.github.rediskeysmigrator.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Adds up the JSON reports of the runs one migration was split into (one per shard, on as many
 * machines) into one report of the same format: counts summed, the duration that of the longest run
 * (they ran side by side), the rate recomputed from both, the exit code the highest of the runs'.
 * Each input must be a migration report whose counts add up.
 */
public final class ReportMerge {
  /** The summed counters: name in the JSON report, and the field of MigrationReport it fills. */
  static final Map<String, Function<MigrationReport, AtomicLong>> COUNTERS = counters();

  /** The keys' buckets, whose sum must equal {@code read}. */
  static final List<String> BUCKETS =
      List.of(
          "written", "skipped_existing", "skipped_expired", "skipped_gone", "filtered", "errors");

  /** Fields every input must have (others default to 0, for reports of older versions). */
  static final List<String> REQUIRED =
      List.of(
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
          "exit_code");

  /** The highest process exit code there is. */
  private static final int MAX_EXIT_CODE = 255;

  /** One input: a name for messages (its file) and the report's JSON text. */
  public record Input(String name, String json) {}

  private final MigrationReport merged;
  private final List<Map<String, Object>> inputs;
  private final List<String> names;

  private ReportMerge(
      MigrationReport merged, List<Map<String, Object>> inputs, List<String> names) {
    this.merged = merged;
    this.inputs = inputs;
    this.names = names;
  }

  private static Map<String, Function<MigrationReport, AtomicLong>> counters() {
    Map<String, Function<MigrationReport, AtomicLong>> m = new LinkedHashMap<>();
    m.put("read", r -> r.read);
    m.put("written", r -> r.written);
    m.put("restored", r -> r.restored);
    m.put("restamped", r -> r.restamped);
    m.put("rewritten", r -> r.rewritten);
    m.put("idmp_left_out", r -> r.idmpLeftOut);
    m.put("skipped_existing", r -> r.skippedExisting);
    m.put("skipped_expired", r -> r.skippedExpired);
    m.put("keys_skipped_by_resume", r -> r.keysSkippedByResume);
    m.put("skipped_gone", r -> r.skippedGone);
    m.put("filtered", r -> r.filtered);
    m.put("errors", r -> r.errors);
    m.put("commands_read", r -> r.commandsRead);
    m.put("commands_applied", r -> r.commandsApplied);
    m.put("commands_filtered", r -> r.commandsFiltered);
    m.put("commands_skipped", r -> r.commandsSkipped);
    m.put("commands_failed", r -> r.commandsFailed);
    m.put("ttl_race_recovered", r -> r.ttlRaceRecovered);
    m.put("functions_restored", r -> r.functionsRestored);
    m.put("functions_existing", r -> r.functionsExisting);
    m.put("functions_failed", r -> r.functionsFailed);
    m.put("renamed", r -> r.renamed);
    m.put("source_failovers", r -> r.failovers().sourceCount);
    m.put("destination_failovers", r -> r.failovers().destinationCount);
    return m;
  }

  /**
   * Merges {@code reports}, in order.
   *
   * @throws IllegalArgumentException naming the first input that is not JSON, not a migration
   *     report, or whose counts do not add up; or when dry runs and real runs are mixed
   */
  public static ReportMerge of(List<Input> reports) {
    if (reports.isEmpty()) {
      throw new IllegalArgumentException("no report to merge");
    }
    List<Map<String, Object>> parsed = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Input in : reports) {
      Map<String, Object> fields;
      try {
        fields = JsonText.object(in.json());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(in.name() + ": not a JSON report: " + e.getMessage(), e);
      }
      check(in.name(), fields);
      parsed.add(fields);
      names.add(in.name());
    }
    Set<String> commands = new LinkedHashSet<>();
    Set<String> destinations = new LinkedHashSet<>();
    List<String> sources = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    Set<Boolean> dryRuns = new LinkedHashSet<>();
    long duration = 0;
    long bytes = 0;
    int exit = ExitCode.OK;
    for (int i = 0; i < parsed.size(); i++) {
      Map<String, Object> f = parsed.get(i);
      commands.add((String) f.get("command"));
      sources.add((String) f.get("source"));
      String destination = (String) f.get("destination");
      if (!destination.isEmpty()) {
        destinations.add(destination);
      }
      dryRuns.add(Boolean.TRUE.equals(f.get("dry_run")));
      if (f.get("stop_reason") instanceof String reason) {
        reasons.add(names.get(i) + ": " + reason);
      }
      duration = Math.max(duration, count(f, "duration_ms"));
      exit = Math.max(exit, (int) count(f, "exit_code"));
    }
    if (dryRuns.size() > 1) {
      throw new IllegalArgumentException(
          "the reports mix dry runs and real runs; merge each kind on its own");
    }
    MigrationReport merged =
        new MigrationReport(
            String.join(",", commands),
            String.join(",", sources),
            String.join(",", destinations),
            dryRuns.contains(Boolean.TRUE));
    // Where each input's run resumed, by stream (files and masters are the inputs' own).
    Map<String, String> resumedFrom = new java.util.TreeMap<>();
    try {
      for (Map<String, Object> f : parsed) {
        bytes = Math.addExact(bytes, count(f, "bytes_read"));
        for (Map.Entry<String, Function<MigrationReport, AtomicLong>> c : COUNTERS.entrySet()) {
          AtomicLong total = c.getValue().apply(merged);
          total.set(Math.addExact(total.get(), count(f, c.getKey())));
        }
        if (f.get("resumed_from") instanceof Map<?, ?> from) {
          from.forEach((stream, at) -> resumedFrom.put(String.valueOf(stream), String.valueOf(at)));
        }
        if (f.get("unsupported_types") instanceof Map<?, ?> types) {
          for (Map.Entry<?, ?> t : types.entrySet()) {
            if (t.getValue() instanceof BigDecimal n
                && JsonText.isWholeLong(n)
                && n.signum() >= 0) {
              merged.unsupportedType(String.valueOf(t.getKey()), n.longValueExact());
            }
          }
        }
      }
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("the counts are too large to add up", e);
    }
    if (!resumedFrom.isEmpty()) {
      merged.resumed(resumedFrom, merged.keysSkippedByResume());
    }
    merged.finish(duration, bytes, exit, reasons.isEmpty() ? null : String.join("; ", reasons));
    if (!merged.balanced()) {
      throw new IllegalArgumentException(
          "the merged counts do not add up: read "
              + merged.read()
              + " but the buckets sum up to "
              + bucketSum(merged));
    }
    return new ReportMerge(merged, parsed, names);
  }

  private static void check(String name, Map<String, Object> f) {
    for (String field : REQUIRED) {
      if (!f.containsKey(field)) {
        throw new IllegalArgumentException(
            name + ": not a migration report (it has no \"" + field + "\")");
      }
    }
    for (String field : List.of("command", "source", "destination")) {
      if (!(f.get(field) instanceof String)) {
        throw new IllegalArgumentException(name + ": \"" + field + "\" is not a string");
      }
    }
    for (String field : f.keySet()) {
      if (COUNTERS.containsKey(field)
          || field.equals("duration_ms")
          || field.equals("bytes_read")
          || field.equals("exit_code")) {
        Object v = f.get(field);
        if (!(v instanceof BigDecimal number) || !JsonText.isWholeLong(number)) {
          throw new IllegalArgumentException(
              name + ": \"" + field + "\" is not a whole number: " + v);
        }
        long value = number.longValue();
        if (value < 0 || (field.equals("exit_code") && value > MAX_EXIT_CODE)) {
          throw new IllegalArgumentException(name + ": \"" + field + "\" is out of range: " + v);
        }
      }
    }
    long read = count(f, "read");
    long sum = 0;
    StringBuilder parts = new StringBuilder();
    for (String bucket : BUCKETS) {
      sum += count(f, bucket);
      parts
          .append(parts.length() == 0 ? "" : " + ")
          .append(bucket)
          .append(' ')
          .append(count(f, bucket));
    }
    if (read != sum) {
      throw new IllegalArgumentException(
          name + ": the counts do not add up: read " + read + " but " + parts + " = " + sum);
    }
  }

  private static long bucketSum(MigrationReport r) {
    return r.written()
        + r.skippedExisting()
        + r.skippedExpired()
        + r.skippedGone()
        + r.filtered()
        + r.errors();
  }

  /** A checked whole-number field, 0 when absent. */
  private static long count(Map<String, Object> f, String field) {
    Object v = f.get(field);
    return v == null ? 0 : ((BigDecimal) v).longValueExact();
  }

  /** The merged report. */
  public MigrationReport report() {
    return merged;
  }

  /** The merged exit code: the highest of the inputs' (0 when every run ended with 0). */
  public int exitCode() {
    return merged.exitCode();
  }

  /**
   * The merged JSON report: a run's fields (so whatever reads one report reads this one), then
   * {@code "shards"} and {@code "inputs"}: per input its file, source, read count and exit code.
   */
  public String toJson() {
    Map<String, Object> f = merged.jsonFields();
    f.put("shards", inputs.size());
    List<Map<String, Object>> perInput = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Map<String, Object> in = new LinkedHashMap<>();
      in.put("file", names.get(i));
      in.put("source", inputs.get(i).get("source"));
      in.put("read", count(inputs.get(i), "read"));
      in.put("exit_code", count(inputs.get(i), "exit_code"));
      perInput.add(in);
    }
    f.put("inputs", perInput);
    return JsonText.write(f) + "\n";
  }

  /** The human summary: how many reports, the run summary of the totals, the runs that failed. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append("Merged ")
        .append(inputs.size())
        .append(inputs.size() == 1 ? " report" : " reports")
        .append('\n')
        .append(merged.summary());
    for (int i = 0; i < inputs.size(); i++) {
      long code = count(inputs.get(i), "exit_code");
      if (code != ExitCode.OK) {
        sb.append(String.format(Locale.ROOT, "  %-20s %s%n", "exit " + code, names.get(i)));
      }
    }
    return sb.toString();
  }
}
