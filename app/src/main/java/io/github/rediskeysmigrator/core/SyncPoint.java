package io.github.rediskeysmigrator.core;

/**
 * A point in the replication stream where everything before it has been handed over: the end of the
 * snapshot, or a heartbeat. Once the writer has flushed up to it, a checkpoint may record it.
 *
 * @param replId the replication id
 * @param offset the replication offset reached
 * @param db the source db selected at that offset, or -1 when the next command will select one
 * @param stream which of several streams read at once (a cluster master's address), "" for the only
 *     one
 */
public record SyncPoint(String replId, long offset, int db, String stream) implements SourceEvent {
  /** A point of the only stream of a run. */
  public SyncPoint(String replId, long offset, int db) {
    this(replId, offset, db, "");
  }

  @Override
  public long weight() {
    return 64;
  }
}
