package io.github.rediskeysmigrator.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters of one run. Every key read ends in exactly one bucket, so {@code read = written +
 * skippedExisting + skippedExpired + skippedGone + filtered + errors} holds whenever the writer is
 * idle. Counters are updated by the writing thread and read by the progress printer.
 */
public final class MigrationReport extends RunReport {
  final String command;
  final String source;
  final String destination;
  private final boolean dryRun;

  final AtomicLong read = new AtomicLong();
  final AtomicLong written = new AtomicLong();
  final AtomicLong restored = new AtomicLong();
  final AtomicLong restamped = new AtomicLong();
  final AtomicLong rewritten = new AtomicLong();
  final AtomicLong idmpLeftOut = new AtomicLong();
  final AtomicLong skippedExisting = new AtomicLong();
  final AtomicLong skippedExpired = new AtomicLong();
  final AtomicLong skippedGone = new AtomicLong();
  final AtomicLong filtered = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong commandsRead = new AtomicLong();
  final AtomicLong commandsApplied = new AtomicLong();
  final AtomicLong commandsFiltered = new AtomicLong();
  final AtomicLong commandsSkipped = new AtomicLong();
  final AtomicLong commandsFailed = new AtomicLong();
  final AtomicLong ttlRaceRecovered = new AtomicLong();
  final AtomicLong functionsRestored = new AtomicLong();
  final AtomicLong functionsExisting = new AtomicLong();
  final AtomicLong functionsFailed = new AtomicLong();
  final AtomicLong renamed = new AtomicLong();
  // Keys and live commands failed because the destination cannot hold their type, per type.
  private final Map<String, AtomicLong> unsupportedTypes =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  // A dry run's first renames, for the summary to show what --rename-prefix does.
  final java.util.Queue<String> renameSamples = new java.util.concurrent.ConcurrentLinkedQueue<>();

  // Where this run resumed (--checkpoint of rdb and scan), per stream in words; empty if it did
  // not.
  private volatile Map<String, String> resumedFrom = Map.of();
  final AtomicLong keysSkippedByResume = new AtomicLong();

  // Per replication stream ("" for the only one): the offset applied at the destination.
  private final Map<String, Long> appliedByStream = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Failovers failovers = new Failovers();

  public MigrationReport(String command, String source, String destination, boolean dryRun) {
    this.command = command;
    this.source = source;
    this.destination = destination;
    this.dryRun = dryRun;
  }

  public long read() {
    return read.get();
  }

  public long written() {
    return written.get();
  }

  /** Keys written with RESTORE of the payload as read (part of {@link #written}). */
  public long restored() {
    return restored.get();
  }

  /**
   * Keys written with RESTORE of their payload restamped with the destination's RDB version, whose
   * own version it refuses but whose value type it reads (part of {@link #written}).
   */
  public long restamped() {
    return restamped.get();
  }

  /**
   * Keys written as plain commands because the destination could not RESTORE their payload (part of
   * {@link #written}).
   */
  public long rewritten() {
    return rewritten.get();
  }

  /**
   * Streams of RDB 13 written without their non-empty idempotent-producer (IDMP) state, which the
   * destination cannot hold (part of {@link #restamped} or {@link #rewritten}); each has a NOTE in
   * the error log.
   */
  public long idmpLeftOut() {
    return idmpLeftOut.get();
  }

  public long skippedExisting() {
    return skippedExisting.get();
  }

  public long skippedExpired() {
    return skippedExpired.get();
  }

  /** Keys listed by the source but deleted or expired there before their value was read. */
  public long skippedGone() {
    return skippedGone.get();
  }

  public long filtered() {
    return filtered.get();
  }

  public long errors() {
    return errors.get();
  }

  /**
   * Live commands taken from the source's stream (a command of a source transaction once its EXEC
   * or DISCARD came): each is applied, filtered, skipped or failed.
   */
  public long commandsRead() {
    return commandsRead.get();
  }

  /** Live commands the destination applied. */
  public long commandsApplied() {
    return commandsApplied.get();
  }

  /** Live commands left out by --db, --match or --type. */
  public long commandsFiltered() {
    return commandsFiltered.get();
  }

  /**
   * Live commands not applied because they touch a key the existence policy left alone, or keys
   * read again after a TTL race whose values already hold them ({@link TtlRaces}).
   */
  public long commandsSkipped() {
    return commandsSkipped.get();
  }

  /** Live commands the destination answered with an error. */
  public long commandsFailed() {
    return commandsFailed.get();
  }

  /**
   * Keys sync read again from the source because the destination had lost them to a TTL race (a
   * renewal found no key there); see {@link TtlRaces}.
   */
  public long ttlRaceRecovered() {
    return ttlRaceRecovered.get();
  }

  /**
   * The replication offset of the last live command the destination acknowledged, or -1; with
   * several streams (a cluster source), the sum of each stream's.
   */
  public long appliedOffset() {
    if (appliedByStream.isEmpty()) {
      return -1;
    }
    long sum = 0;
    for (long o : appliedByStream.values()) {
      sum += o;
    }
    return sum;
  }

  /** The offset of {@code stream} the destination has acknowledged, or -1 before its first. */
  public long appliedOffset(String stream) {
    return appliedByStream.getOrDefault(stream, -1L);
  }

  /** Everything of {@code stream} up to {@code offset} is applied. */
  void applied(String stream, long offset) {
    appliedByStream.merge(stream, offset, Math::max);
  }

  /**
   * Keys given a new name by --rename-prefix (not a bucket of its own: a renamed key also ends in
   * one of the others).
   */
  public long renamed() {
    return renamed.get();
  }

  /** Books one key renamed from {@code from} to {@code to}; a dry run keeps the first few. */
  void renamed(byte[] from, byte[] to) {
    if (renamed.incrementAndGet() <= RENAME_SAMPLES && dryRun) {
      renameSamples.add("'" + KeyNames.printable(from) + "' -> '" + KeyNames.printable(to) + "'");
    }
  }

  /** Renames a dry run's summary shows. */
  static final int RENAME_SAMPLES = 10;

  /** Books a key or live command failed because the destination cannot hold {@code type}. */
  void unsupportedType(String type) {
    unsupportedType(type, 1);
  }

  /** Books {@code n} such commands (a merged report). */
  void unsupportedType(String type, long n) {
    unsupportedTypes.computeIfAbsent(type, t -> new AtomicLong()).addAndGet(n);
  }

  /**
   * Keys and live commands failed because the destination cannot hold their data type at all, per
   * type, e.g. {@code vectorset} into Valkey (part of {@link #errors} and {@link #commandsFailed}).
   */
  public Map<String, Long> unsupportedTypes() {
    Map<String, Long> m = new java.util.TreeMap<>();
    unsupportedTypes.forEach((t, n) -> m.put(t, n.get()));
    return m;
  }

  /** Function libraries loaded at the destination. */
  public long functionsRestored() {
    return functionsRestored.get();
  }

  /** Function libraries left alone because the destination had one of that name. */
  public long functionsExisting() {
    return functionsExisting.get();
  }

  /** Function libraries the destination refused. */
  public long functionsFailed() {
    return functionsFailed.get();
  }

  public boolean dryRun() {
    return dryRun;
  }

  @Override
  protected long keysRead() {
    return read.get();
  }

  /** Whether the accounting identity holds. */
  public boolean balanced() {
    return read.get() == buckets().values().stream().mapToLong(Long::longValue).sum();
  }

  /** The buckets every key read ends in, named as in the JSON report. */
  private Map<String, Long> buckets() {
    return counts(
        List.of(
            "written", "skipped_existing", "skipped_expired", "skipped_gone", "filtered", "errors"),
        written,
        skippedExisting,
        skippedExpired,
        skippedGone,
        filtered,
        errors);
  }

  /** Each of {@code names} to the value of the counter at the same place, in order. */
  private static Map<String, Long> counts(List<String> names, AtomicLong... counters) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < counters.length; i++) {
      m.put(names.get(i), counters[i].get());
    }
    return m;
  }

  /**
   * What breaks the accounting identities, or null when they hold: {@code read = written +
   * skipped_existing + skipped_expired + skipped_gone + filtered + errors}, and (not in a dry run)
   * {@code written = restored + restamped + rewritten}. Meaningful when the writer is idle.
   */
  public String imbalance() {
    Map<String, Long> buckets = buckets();
    String keys = unbalanced("read", read.get(), buckets);
    if (keys != null) {
      return keys;
    }
    Map<String, Long> ways =
        counts(List.of("restored", "restamped", "rewritten"), restored, restamped, rewritten);
    String restores = dryRun ? null : unbalanced("written", buckets.get("written"), ways);
    if (restores != null) {
      return restores;
    }
    Map<String, Long> commands =
        counts(
            List.of("commands_applied", "commands_filtered", "commands_skipped", "commands_failed"),
            commandsApplied,
            commandsFiltered,
            commandsSkipped,
            commandsFailed);
    return unbalanced("commands_read", commandsRead.get(), commands);
  }

  /** "whole N, but a A + b B = S" when {@code parts} do not add up to {@code value}, else null. */
  private static String unbalanced(String whole, long value, Map<String, Long> parts) {
    long sum = parts.values().stream().mapToLong(Long::longValue).sum();
    if (value == sum) {
      return null;
    }
    java.util.StringJoiner terms = new java.util.StringJoiner(" + ");
    parts.forEach((name, n) -> terms.add(name + " " + n));
    return whole + " " + value + ", but " + terms + " = " + sum;
  }

  /** Live commands applied, filtered, skipped or failed. */
  long commandsBooked() {
    return commandsApplied.get()
        + commandsFiltered.get()
        + commandsSkipped.get()
        + commandsFailed.get();
  }

  /**
   * Records that the run resumed from a checkpoint: {@code from} says where, per stream (an input
   * file, a master), and {@code keysSkipped} keys acknowledged by the runs before were not read
   * again (they are in no other counter).
   */
  public void resumed(Map<String, String> from, long keysSkipped) {
    this.resumedFrom = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(from));
    this.keysSkippedByResume.set(keysSkipped);
  }

  /** Whether the run resumed from a checkpoint. */
  public boolean resumed() {
    return !resumedFrom.isEmpty();
  }

  /** Where the run resumed, per stream; empty when it did not. */
  public Map<String, String> resumedFrom() {
    return resumedFrom;
  }

  /** Keys the runs before acknowledged, passed over by this one. */
  public long keysSkippedByResume() {
    return keysSkippedByResume.get();
  }

  /** Counts the failovers of the run in {@code counts} (shared with its source and writers). */
  public void failovers(Failovers counts) {
    this.failovers = counts;
  }

  /** The failovers the run went through, at the source and the destination. */
  public Failovers failovers() {
    return failovers;
  }

  // The live counters of scan --live (updates, deletes, pending, ...), or null.
  volatile java.util.function.Supplier<Map<String, Object>> liveFields;
  volatile java.util.function.Supplier<String> liveLine;

  /**
   * Adds the counters of a live re-reading run ({@code scan --live}) to the summary ({@code line})
   * and the JSON report ({@code fields}, after the command counters).
   */
  public void live(
      java.util.function.Supplier<Map<String, Object>> fields,
      java.util.function.Supplier<String> line) {
    this.liveFields = fields;
    this.liveLine = line;
  }

  /** The human summary printed on stdout at the end of a run. */
  public String summary() {
    return new MigrationReportText(this).summary();
  }

  /** The JSON report, with the fields DESIGN.md lists plus the stop reason and dry-run flag. */
  public String toJson() {
    return JsonText.write(jsonFields()) + "\n";
  }

  /** The JSON report's fields, in their documented order. */
  Map<String, Object> jsonFields() {
    return new MigrationReportText(this).jsonFields();
  }
}
