package io.github.rediskeysmigrator.core;

import java.io.IOException;
import java.util.Collection;

/** Persists how far each stream of a key source has been read and acknowledged, to resume there. */
@FunctionalInterface
public interface ReadCheckpoint {
  /**
   * Records that every key before {@code points} is acknowledged at the destination; {@code
   * complete} once the whole source is. Must be atomic: after a crash the previous or the new state
   * is found, never a mix.
   */
  void save(Collection<ReadPoint> points, boolean complete) throws IOException;
}
