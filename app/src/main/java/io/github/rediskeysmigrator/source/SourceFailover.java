package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.Failovers;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.MasterLocator;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Where a replication stream goes on once its master is gone: the master the Sentinels (or the
 * listed nodes) name now, waited for up to --failover-timeout. A promoted replica keeps its old
 * master's replication id as its second one, so the stream continues there with a partial resync
 * from the offset already read, and nothing is applied twice or lost.
 */
final class SourceFailover {
  private final MasterLocator locator;
  private final long timeoutMillis;
  private final Failovers counts;
  private final Consumer<String> notes;

  /**
   * @param timeoutMillis how long to wait for a master (--failover-timeout)
   * @param counts where each change of master is counted
   * @param notes where the line saying where the stream went goes (stderr)
   */
  SourceFailover(
      MasterLocator locator, long timeoutMillis, Failovers counts, Consumer<String> notes) {
    this.locator = locator;
    this.timeoutMillis = timeoutMillis;
    this.counts = counts;
    this.notes = notes;
  }

  /**
   * The new master when it is no longer {@code node}, asked once (before each reconnect, so a
   * failover is followed at the first attempt rather than after --retries to a dead master); null
   * when {@code node} is still the master or nothing is known yet.
   */
  RedisUri moved(RedisUri node) {
    try {
      RedisUri master = locator.master();
      return master.address().equals(node.address()) ? null : master;
    } catch (ConnectException e) {
      return null;
    }
  }

  /**
   * The master to continue with after the stream from {@code node} broke for {@code why}, waited
   * for up to --failover-timeout; null when the run was stopped meanwhile.
   *
   * @throws SourceException when no master came in time
   */
  RedisUri next(RedisUri node, String why, BooleanSupplier stopped)
      throws SourceException, InterruptedException {
    Sleeper untilStopped =
        millis -> {
          if (stopped.getAsBoolean()) {
            throw new StoppedWaiting();
          }
          Sleeper.SYSTEM.sleep(millis);
        };
    try {
      return switched(node, locator.await(timeoutMillis, untilStopped, System::currentTimeMillis));
    } catch (StoppedWaiting e) {
      return null;
    } catch (ConnectException e) {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          "source "
              + locator.address()
              + ": the master "
              + node.address()
              + " is gone ("
              + why
              + ") and "
              + e.getMessage(),
          e);
    }
  }

  /** The run was stopped while it waited for a new master. */
  private static final class StoppedWaiting extends InterruptedException {
    private static final long serialVersionUID = 1L;
  }

  /** Counts and tells the change from {@code node} to {@code master}, if it is one. */
  RedisUri switched(RedisUri node, RedisUri master) {
    if (!master.address().equals(node.address())) {
      counts.sourceSeen();
      notes.accept(
          "source "
              + locator.address()
              + ": failed over from "
              + node.address()
              + " to "
              + master.address()
              + "; continuing its replication stream there");
    }
    return master;
  }
}
