package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.SourceException;

/** Reads the keys of the source to verify (RDB files or a live server), each with its state. */
public interface SourceReader {

  /**
   * Reads every key into {@code queue}; returns once the source is exhausted.
   *
   * @throws SourceException when the input is bad or unreachable; keys handed over before stay
   *     valid
   */
  void readInto(BatchQueue queue) throws SourceException, InterruptedException;

  /** Bytes consumed so far, for progress; 0 when not meaningful. */
  long bytesRead();

  /** Total bytes expected, for progress and ETA; 0 when unknown. */
  long bytesTotal();

  /** Keys expected in all (e.g. the source's DBSIZE), for progress and ETA; 0 when unknown. */
  long keysTotal();
}
