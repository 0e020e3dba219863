package io.github.rediskeysmigrator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.rediskeysmigrator.core.JsonText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * What a user checks in a run's JSON report after a fault: the totals add up, the exit code is the
 * one the process returned, and {@code written} is what the destination really holds.
 */
public final class ReportAssert {
  private static final String MARKER_PREFIX = "redis-keys-migrator:sync-checkpoint:";

  private final Map<String, Object> json;
  private final String text;

  private ReportAssert(String text) {
    this.text = text;
    this.json = JsonText.object(text);
  }

  /** Reads the report at {@code file}. */
  public static ReportAssert of(Path file) {
    try {
      return new ReportAssert(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks the totals of the report a run of the tool wrote, if it asked for one ({@code --report
   * FILE}, relative to {@code dir}): every test that runs the tool asserts the accounting invariant
   * of its report, whatever else it checks. A verify report has other totals.
   */
  public static void ifWritten(Path dir, List<String> args) {
    Path report = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--report") && i + 1 < args.size()) {
        report = Path.of(args.get(i + 1));
      } else if (a.startsWith("--report=")) {
        report = Path.of(a.substring("--report=".length()));
      }
    }
    if (report == null || report.toString().contains("{")) {
      return;
    }
    Path file = dir.resolve(report);
    if (!Files.isRegularFile(file)) {
      return;
    }
    ReportAssert r = of(file);
    if (r.json.containsKey("read") && !"verify".equals(r.json.get("command"))) {
      r.addsUp();
    }
  }

  /** A numeric field. */
  public long get(String field) {
    Object v = json.get(field);
    if (!(v instanceof BigDecimal n)) {
      throw new AssertionError("no number " + field + " in " + text);
    }
    return n.longValueExact();
  }

  /** {@code stop_reason}, or null. */
  public String stopReason() {
    return (String) json.get("stop_reason");
  }

  /**
   * read = written + skipped_existing + skipped_expired + skipped_gone + filtered + errors, and
   * written = restored + restamped + rewritten (a dry run writes nothing of either kind), and
   * commands_read = commands_applied + commands_filtered + commands_skipped + commands_failed.
   */
  public ReportAssert addsUp() {
    long parts = 0;
    for (String f :
        List.of(
            "written",
            "skipped_existing",
            "skipped_expired",
            "skipped_gone",
            "filtered",
            "errors")) {
      parts += get(f);
    }
    assertEquals(get("read"), parts, "the report's totals do not add up: " + text);
    if (!Boolean.TRUE.equals(json.get("dry_run"))) {
      assertEquals(
          get("written"),
          get("restored") + get("restamped") + get("rewritten"),
          "written is not restored + restamped + rewritten: " + text);
    }
    if (json.containsKey("commands_read")) {
      long commands = 0;
      for (String f :
          List.of("commands_applied", "commands_filtered", "commands_skipped", "commands_failed")) {
        commands += get(f);
      }
      assertEquals(
          get("commands_read"),
          commands,
          "the report's live command totals do not add up: " + text);
    }
    return this;
  }

  /** The report's exit code is {@code exit}, the code the process returned. */
  public ReportAssert exitCode(int exit) {
    assertEquals(exit, get("exit_code"), text);
    return this;
  }

  /** The totals add up to a clean run: exit 0, {@code keys} written, no error. */
  public ReportAssert wroteAll(long keys) {
    return addsUp().exitCode(0).has("written", keys).has("errors", 0);
  }

  /** {@code field} has {@code value}. */
  public ReportAssert has(String field, long value) {
    assertEquals(value, get(field), field + " in " + text);
    return this;
  }

  /**
   * The destination holds exactly {@code before} keys plus the report's {@code written} (all dbs,
   * our sync checkpoint key left out): nothing written went uncounted, nothing counted is missing.
   */
  public ReportAssert writtenMatches(Jedis destination, long before) {
    assertEquals(
        before + get("written"), userKeys(destination), "keys at the destination; " + text);
    return this;
  }

  /** The keys of every db of {@code j}, without our sync checkpoint key. */
  public static long userKeys(Jedis j) {
    long total = 0;
    for (String line : j.info("keyspace").split("\r?\n")) {
      if (line.startsWith("db")) {
        total += Long.parseLong(line.replaceAll(".*keys=(\\d+).*", "$1"));
      }
    }
    int db = j.getDB();
    try {
      j.select(0);
      total -= j.keys(MARKER_PREFIX + "*").size();
    } finally {
      j.select(db);
    }
    return total;
  }

  @Override
  public String toString() {
    return text;
  }
}
