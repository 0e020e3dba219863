package io.github.rediskeysmigrator.core;

import java.util.function.LongSupplier;

/**
 * Decides when a live run has caught up for {@code --until-caught-up}: the initial copy has ended,
 * and for the whole idle period the lag has stayed at zero and the source has made no write.
 */
public final class CatchUpWatch {
  private final LiveStatus status;
  private final long idleMs;
  private final LongSupplier clockMs;
  private long idleSinceMs = -1;
  private long changesSeen = -1;

  /**
   * @param status what is watched
   * @param idleMs how long the lag must stay at zero
   * @param clockMs milliseconds of a monotonic clock (injected so tests need not wait)
   */
  public CatchUpWatch(LiveStatus status, long idleMs, LongSupplier clockMs) {
    if (idleMs < 0) {
      throw new IllegalArgumentException("idle period must not be negative: " + idleMs);
    }
    this.status = status;
    this.idleMs = idleMs;
    this.clockMs = clockMs;
  }

  /**
   * Looks at the status once; call it often (every 100 ms or so). Returns true once the lag has
   * been seen at zero and no new write at the source, after the initial copy, on every call for at
   * least the idle period.
   */
  public boolean caughtUp() {
    long now = clockMs.getAsLong();
    long changes = status.changesSeen();
    boolean quiet = changesSeen < 0 || changes == changesSeen;
    changesSeen = changes;
    if (!status.snapshotDone() || status.lagItems() > 0) {
      idleSinceMs = -1;
      return false;
    }
    if (!quiet) {
      // Written and already applied: the idle period starts at this look.
      idleSinceMs = now;
      return false;
    }
    if (idleSinceMs < 0) {
      idleSinceMs = now;
    }
    return now - idleSinceMs >= idleMs;
  }
}
