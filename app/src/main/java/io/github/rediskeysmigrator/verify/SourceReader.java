package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.core.SourceSize;

/** Reads the keys of the source to verify (RDB files or a live server), each with its state. */
public interface SourceReader extends SourceSize {

  /**
   * Reads every key into {@code queue}; returns once the source is exhausted.
   *
   * @throws SourceException when the input is bad or unreachable; keys handed over before stay
   *     valid
   */
  void readInto(BatchQueue queue) throws SourceException, InterruptedException;
}
