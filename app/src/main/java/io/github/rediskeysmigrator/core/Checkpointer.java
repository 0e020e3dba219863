package io.github.rediskeysmigrator.core;

/** Persists how far a replication stream has been applied, so a restart can resume there. */
@FunctionalInterface
public interface Checkpointer {
  /**
   * Records that everything up to {@code point} is applied at the destination. Must be atomic:
   * after a crash the previous or the new point is found, never a mix.
   */
  void save(SyncPoint point) throws java.io.IOException;
}
