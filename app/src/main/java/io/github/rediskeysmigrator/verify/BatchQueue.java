package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.BatchedHandoff;

/**
 * The bounded hand-off from the thread reading the source to the thread comparing with the
 * destination: the migration's batching, for {@link SourceKey}s.
 */
public final class BatchQueue extends BatchedHandoff<SourceKey> {

  /** A queue holding about {@code maxKeys} keys in flight (at least two batches). */
  public BatchQueue(int maxKeys) {
    super(maxKeys, SourceKey::weight, k -> false);
  }
}
