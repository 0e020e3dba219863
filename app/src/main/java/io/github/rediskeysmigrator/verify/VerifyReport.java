package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.core.RunReport;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The counters of one verification. Every key read ends in exactly one {@link Outcome}, so {@code
 * read} is the sum of all outcome counters whenever the comparer is idle. Updated by the comparing
 * thread, read by the progress printer.
 */
public final class VerifyReport extends RunReport {
  private final String source;
  private final String destination;
  private final Long migrationSkippedExisting;
  private final AtomicLongArray counts = new AtomicLongArray(Outcome.values().length);
  private final AtomicLong idmpNotCompared = new AtomicLong();

  private volatile boolean extraChecked;
  private volatile Map<String, Object> oracle = Map.of();
  private volatile String oracleLine;

  /**
   * @param migrationSkippedExisting the migration report's {@code skipped_existing}, or null when
   *     no report was given
   */
  public VerifyReport(String source, String destination, Long migrationSkippedExisting) {
    this.source = source;
    this.destination = destination;
    this.migrationSkippedExisting = migrationSkippedExisting;
  }

  /**
   * Records the server that served as the source (an {@link AofOracle}): its report fields and its
   * summary line.
   */
  public void oracle(Map<String, Object> fields, String line) {
    this.oracle = Map.copyOf(fields);
    this.oracleLine = line;
  }

  /** Books one key. */
  public void add(Outcome outcome) {
    counts.incrementAndGet(outcome.ordinal());
  }

  /** Books a stream compared without its IDMP state (see {@link Judge.Verdict}). */
  public void idmpNotCompared() {
    idmpNotCompared.incrementAndGet();
  }

  /**
   * Streams of RDB 13 compared without their idempotent-producer state, which the destination
   * (older than Redis 8.6) does not hold: identical otherwise, not differences.
   */
  public long idmpNotComparedCount() {
    return idmpNotCompared.get();
  }

  /** The destination is being searched for extra keys: their count is reported. */
  void checkingExtraKeys() {
    extraChecked = true;
  }

  /** Books one extra key at the destination. */
  void extra() {
    counts.incrementAndGet(Outcome.EXTRA.ordinal());
  }

  /** Whether the destination was searched for extra keys. */
  public boolean extraChecked() {
    return extraChecked;
  }

  public long count(Outcome outcome) {
    return counts.get(outcome.ordinal());
  }

  /** Keys read from the source (extra keys are the destination's, not read). */
  public long read() {
    long n = 0;
    for (Outcome o : Outcome.values()) {
      if (o != Outcome.EXTRA) {
        n += count(o);
      }
    }
    return n;
  }

  /** Keys that differ, of any kind, extra keys at the destination included. */
  public long differences() {
    long n = 0;
    for (Outcome o : Outcome.values()) {
      if (o.isDifference()) {
        n += count(o);
      }
    }
    return n;
  }

  /** Keys that exist at the destination but differ in type, value or TTL. */
  long presentDifferences() {
    return count(Outcome.TYPE_DIFFERS) + count(Outcome.VALUE_DIFFERS) + count(Outcome.TTL_DIFFERS);
  }

  /**
   * How many differing keys may be keys the migration left alone because they already existed: at
   * most the migration's {@code skipped_existing}, and only keys present at the destination.
   */
  public long mayHaveExistedBefore() {
    return migrationSkippedExisting == null
        ? 0
        : Math.min(presentDifferences(), migrationSkippedExisting);
  }

  /**
   * Whether every difference can be a key the migration skipped because it existed: no key is
   * missing, unverified or extra, and no more keys differ than the migration's report says it
   * skipped. Which keys those were, the report does not say; so this is "consistent with", not
   * "proven".
   */
  public boolean explainedByExisting() {
    return migrationSkippedExisting != null
        && differences() > 0
        && count(Outcome.MISSING) == 0
        && count(Outcome.UNVERIFIED) == 0
        && count(Outcome.EXTRA) == 0
        && presentDifferences() <= migrationSkippedExisting;
  }

  /** The exit code of a run that went to the end: 0 when nothing differs (or all is explained). */
  public int verdict() {
    return differences() == 0 || explainedByExisting() ? ExitCode.OK : ExitCode.DIFFERENCES;
  }

  @Override
  protected long keysRead() {
    return read();
  }

  /** The human summary printed on stdout at the end. */
  public String summary() {
    StringBuilder sb = new StringBuilder("Verification ");
    boolean ranToEnd = stopReason() == null;
    sb.append(ranToEnd ? "finished" : "stopped")
        .append(" in ")
        .append(String.format(Locale.ROOT, "%.1f s", durationMs() / 1000.0))
        .append(": ");
    long diffs = differences();
    if (diffs == 0) {
      sb.append(ranToEnd ? "the destination matches the source" : "no difference so far");
    } else {
      sb.append(
          String.format(
              Locale.ROOT,
              "%,d key%s differ%s",
              diffs,
              diffs == 1 ? "" : "s",
              diffs == 1 ? "s" : ""));
    }
    sb.append('\n');
    if (oracleLine != null) {
      sb.append("  ").append(oracleLine).append('\n');
    }
    line(sb, "read", read());
    for (Outcome o : Outcome.values()) {
      if (o == Outcome.EXTRA) {
        if (extraChecked) {
          line(sb, o.label(), count(o));
        }
      } else if (o == Outcome.SKIPPED_GONE || o == Outcome.UNVERIFIED) {
        if (count(o) > 0) {
          line(sb, o.label(), count(o));
        }
      } else {
        line(sb, o.label(), count(o));
      }
    }
    sb.append(String.format(Locale.ROOT, "  %-20s %,.0f%n", "keys/s", keysPerSecond()));
    if (idmpNotCompared.get() > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %,d stream%s compared without %s IDMP state (RDB 13), which the destination does"
                  + " not hold%n",
              idmpNotCompared.get(),
              idmpNotCompared.get() == 1 ? "" : "s",
              idmpNotCompared.get() == 1 ? "its" : "their"));
    }
    if (migrationSkippedExisting != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  the migration skipped %,d keys that already existed at the destination;",
              migrationSkippedExisting));
      if (diffs == 0) {
        sb.append(" they hold the same data as the source\n");
      } else if (explainedByExisting()) {
        sb.append(
            String.format(
                Locale.ROOT,
                " all %,d differing keys can be such keys (which ones, its report does not"
                    + " say)%n",
                diffs));
      } else {
        sb.append(
            String.format(
                Locale.ROOT,
                " at most %,d of the differing keys can be such keys%n",
                mayHaveExistedBefore()));
      }
    }
    if (stopReason() != null) {
      sb.append("  stopped: ").append(stopReason()).append('\n');
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String label, long value) {
    sb.append(String.format(Locale.ROOT, "  %-20s %,d%n", label, value));
  }

  /** The JSON report. */
  public String toJson() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("command", "verify");
    f.put("source", source);
    f.put("destination", destination);
    new java.util.TreeMap<>(oracle).forEach(f::put);
    f.put("read", read());
    for (Outcome o : Outcome.values()) {
      // null: the destination was not searched for extra keys (no --extra-keys).
      f.put(o.jsonName(), o == Outcome.EXTRA && !extraChecked ? null : count(o));
    }
    f.put("differences", differences());
    f.put("idmp_not_compared", idmpNotCompared.get());
    f.put("migration_skipped_existing", migrationSkippedExisting);
    f.put("may_have_existed_before", mayHaveExistedBefore());
    f.put("duration_ms", durationMs());
    f.put("keys_per_second", JsonText.oneDecimal(keysPerSecond()));
    f.put("bytes_read", bytesRead());
    f.put("stop_reason", stopReason());
    f.put("exit_code", exitCode());
    return JsonText.write(f) + "\n";
  }
}
