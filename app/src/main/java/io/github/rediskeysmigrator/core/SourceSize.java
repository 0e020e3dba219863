package io.github.rediskeysmigrator.core;

/**
 * How much of a source has been read and how much there is, for the progress line and its ETA. A
 * capability of its own: a source that cannot tell (a SCAN, a replication stream) keeps the
 * defaults, 0 for "not known".
 */
public interface SourceSize {

  /** Bytes consumed so far; 0 when not meaningful. */
  default long bytesRead() {
    return 0;
  }

  /** Total bytes expected; 0 when unknown. */
  default long bytesTotal() {
    return 0;
  }

  /** Keys expected in all (e.g. the source's DBSIZE); 0 when unknown. */
  default long keysTotal() {
    return 0;
  }
}
