package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.CatchUpWatch;
import io.github.rediskeysmigrator.core.LiveStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToLongBiFunction;

/**
 * The state of one {@code scan --live} run across its sources (one per master of a cluster): what
 * is pending, the live counters for the report and progress line, and the cutover decision.
 */
public final class LiveScanGroup implements LiveStatus {
  final AtomicLong updates = new AtomicLong();
  final AtomicLong deletes = new AtomicLong();
  final AtomicLong rescans = new AtomicLong();
  final AtomicLong reconnects = new AtomicLong();
  final AtomicLong notifications = new AtomicLong();
  final AtomicLong overflows = new AtomicLong();
  final AtomicLong bytesReread = new AtomicLong();
  private final List<LiveScanSource> members = new CopyOnWriteArrayList<>();
  private final CatchUpWatch watch;
  private final LongSupplier clockMs;
  private final LiveScanSource.PendingCap cap;
  private final Consumer<String> notes;
  private boolean ended;

  /**
   * @param idleMs with {@code --until-caught-up}: how long nothing must be pending before the run
   *     ends; negative to run until stopped
   * @param clockMs a monotonic clock in milliseconds
   * @param cap each member's pending-set cap, as the note on a full set names it
   * @param notes where the note on a full pending set goes (stderr)
   */
  public LiveScanGroup(
      long idleMs, LongSupplier clockMs, LiveScanSource.PendingCap cap, Consumer<String> notes) {
    this.clockMs = clockMs;
    this.cap = cap;
    this.notes = notes;
    this.watch = idleMs < 0 ? null : new CatchUpWatch(this, idleMs, clockMs);
  }

  /** A member's pending set is full: counted, and said once per episode. */
  void overflowed(String label) {
    overflows.incrementAndGet();
    notes.accept(
        String.format(
            Locale.ROOT,
            "note: scan --live: source %s changes faster than it is re-read: more than %,d keys"
                + " (or %,d MB) pending; further notifications are dropped, and a rescan re-reads"
                + " every key of the selection until nothing is dropped"
                + " (--live-pending-max-keys, --live-pending-max-mb)",
            label,
            cap.keys(),
            cap.bytes() >> 20));
  }

  void join(LiveScanSource member) {
    members.add(member);
  }

  /** Whether {@code m} speaks for the group on the progress line (the first member does). */
  boolean speaks(LiveScanSource m) {
    return !members.isEmpty() && members.get(0) == m;
  }

  long nowMs() {
    return clockMs.getAsLong();
  }

  /**
   * Whether the run should end now: asked for, and caught up for the whole idle period. Once true
   * it stays true, so every member ends: the first to end stops its subscription, which would count
   * as lag for the others.
   */
  synchronized boolean caughtUp() {
    if (!ended && watch != null) {
      ended = watch.caughtUp();
    }
    return ended;
  }

  @Override
  public boolean snapshotDone() {
    for (LiveScanSource m : members) {
      if (!m.snapshotDone()) {
        return false;
      }
    }
    return !members.isEmpty();
  }

  @Override
  public long lagItems() {
    return members.stream().mapToLong(LiveScanSource::lagItems).sum();
  }

  @Override
  public double lagSeconds() {
    return oldestSeconds(LiveScanSource::oldestAgeMs);
  }

  @Override
  public long changesSeen() {
    return notifications.get();
  }

  @Override
  public long reconnects() {
    return reconnects.get();
  }

  /** Keys waiting to be re-read, over all members. */
  public long pending() {
    return members.stream().mapToLong(LiveScanSource::pendingKeys).sum();
  }

  /** Keys re-read and handed on to be written again. */
  public long updates() {
    return updates.get();
  }

  /** Keys found gone on a re-read, deleted at the destination. */
  public long deletes() {
    return deletes.get();
  }

  /** Full passes after a lost subscription or a full pending set. */
  @Override
  public long rescans() {
    return rescans.get();
  }

  @Override
  public long pendingOverflows() {
    return overflows.get();
  }

  @Override
  public long pendingDropped() {
    return members.stream().mapToLong(LiveScanSource::droppedNotifications).sum();
  }

  @Override
  public long deferredKeys() {
    return members.stream().mapToLong(LiveScanSource::deferredKeys).sum();
  }

  @Override
  public double deferredSecondsMax() {
    return oldestSeconds(LiveScanSource::oldestDeferredAgeMs);
  }

  /** Notifications whose key's re-read had to wait for the spacing of big keys. */
  public long deferrals() {
    return members.stream().mapToLong(LiveScanSource::deferrals).sum();
  }

  /** The live fields of the JSON report, in their documented order. */
  public Map<String, Object> reportFields() {
    Map<String, Object> f = new java.util.LinkedHashMap<>();
    f.put("live_updates", updates());
    f.put("live_deletes", deletes());
    f.put("pending", pending());
    f.put("lag_seconds", Math.round(lagSeconds() * 10) / 10.0);
    f.put("rescans", rescans());
    f.put("reconnects", reconnects());
    f.put("live_bytes_reread", bytesReread.get());
    f.put("live_pending_overflows", pendingOverflows());
    f.put("live_pending_dropped", pendingDropped());
    f.put("live_deferred", deferrals());
    return f;
  }

  /** The live part of the progress line and the summary. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "live: %,d updates, %,d deletes, %,d pending, lag %.1f s, %d rescans, %d reconnects",
        updates(),
        deletes(),
        pending(),
        lagSeconds(),
        rescans(),
        reconnects());
  }

  /** The largest of the members' ages in ms ({@code ageMs} at one moment), in seconds. */
  private double oldestSeconds(ToLongBiFunction<LiveScanSource, Long> ageMs) {
    long now = nowMs();
    long oldest = 0;
    for (LiveScanSource m : members) {
      oldest = Math.max(oldest, ageMs.applyAsLong(m, now));
    }
    return oldest / 1000.0;
  }
}
