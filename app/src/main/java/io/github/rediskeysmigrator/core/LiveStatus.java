package io.github.rediskeysmigrator.core;

/**
 * How far a long-running run ({@code sync}, {@code scan --live}) is behind its source; read from
 * any thread by the progress line, the metrics endpoint and the cutover watch.
 */
public interface LiveStatus {
  /** Whether the initial copy (the snapshot, or the first SCAN pass) has ended. */
  boolean snapshotDone();

  /**
   * Work seen at the source but not yet applied at the destination: keys waiting to be re-read
   * ({@code scan --live}) or replication bytes not yet acknowledged ({@code sync}); 0 when caught
   * up.
   */
  long lagItems();

  /** Seconds since the oldest work not yet applied was seen; 0 when caught up. */
  double lagSeconds();

  /**
   * A count that grows with every write seen at the source (keyspace notifications received,
   * commands streamed); the cutover waits until it has stopped moving, not only for a zero lag,
   * which a fast destination reaches between two writes.
   */
  long changesSeen();

  /** Times the source connection (or subscription) was lost and opened again since the start. */
  long reconnects();

  /** Full re-reads of the source's keys after their changes were lost (scan --live's rescans). */
  default long rescans() {
    return 0;
  }

  /** Times the pending work outgrew its cap (scan --live's pending set); 0 where none is kept. */
  default long pendingOverflows() {
    return 0;
  }

  /** Changes dropped because the pending work was at its cap (each one then rescanned). */
  default long pendingDropped() {
    return 0;
  }

  /** Keys whose re-read waits because the key is big and was re-read a moment ago. */
  default long deferredKeys() {
    return 0;
  }

  /** Seconds the longest-waiting deferred key has waited; 0 when none waits. */
  default double deferredSecondsMax() {
    return 0;
  }
}
