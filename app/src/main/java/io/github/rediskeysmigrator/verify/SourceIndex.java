package io.github.rediskeysmigrator.verify;

import java.util.List;

/** Answers whether the source holds keys, for finding the destination's extra keys. */
interface SourceIndex {

  /**
   * Whether the source's db {@code db} holds each of {@code names}, in the same order; a false
   * positive is possible only where the index says so (fingerprints), never a false negative.
   *
   * @throws ServerReadException with a message naming the source, when it cannot answer
   */
  boolean[] contains(int db, List<byte[]> names) throws ServerReadException;

  /** Releases the index's connection, if any. */
  void close();
}
