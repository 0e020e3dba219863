package io.github.rediskeysmigrator.core;

/** What a source hands to the pipeline: a whole key, a live command, or a resume point. */
public sealed interface SourceEvent permits KeyEvent, CommandEvent, SyncPoint, ReadPoint {
  /** Bytes this event occupies in memory, for queue sizing. */
  long weight();
}
