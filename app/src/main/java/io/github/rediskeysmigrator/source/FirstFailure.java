package io.github.rediskeysmigrator.source;

import com.moilioncircle.redis.replicator.Replicator;
import java.io.IOException;

/**
 * The first failure of a Replicator's parse: kept, and the Replicator closed so the parse ends
 * (what fails after it is a consequence, not the cause). Set by Replicator's thread, read by the
 * reader.
 */
final class FirstFailure {
  private volatile Throwable first;

  /** Keeps {@code t} unless a failure came before it, and closes {@code replicator}. */
  void fail(Throwable t, Replicator replicator) {
    if (first == null) {
      first = t;
    }
    try {
      replicator.close();
    } catch (IOException e) {
      t.addSuppressed(e);
    }
  }

  /** The first failure, or null. */
  Throwable get() {
    return first;
  }
}
