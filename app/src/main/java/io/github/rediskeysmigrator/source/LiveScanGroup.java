package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.CatchUpWatch;
import io.github.rediskeysmigrator.core.LiveStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

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
  private final List<LiveScanSource> members = new CopyOnWriteArrayList<>();
  private final CatchUpWatch watch;
  private final LongSupplier clockMs;
  private boolean ended;

  /**
   * @param idleMs with {@code --until-caught-up}: how long nothing must be pending before the run
   *     ends; negative to run until stopped
   * @param clockMs a monotonic clock in milliseconds
   */
  public LiveScanGroup(long idleMs, LongSupplier clockMs) {
    this.clockMs = clockMs;
    this.watch = idleMs < 0 ? null : new CatchUpWatch(this, idleMs, clockMs);
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
    long now = nowMs();
    long oldest = 0;
    for (LiveScanSource m : members) {
      oldest = Math.max(oldest, m.oldestAgeMs(now));
    }
    return oldest / 1000.0;
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

  /** Full passes after a lost subscription. */
  public long rescans() {
    return rescans.get();
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
}
