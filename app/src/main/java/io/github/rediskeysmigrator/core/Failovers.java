package io.github.rediskeysmigrator.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the failovers a run went through: each time the source's or the destination's master went
 * away and the run went on with the node that took its place. Shared by the source, the writers and
 * the report, which may live on different threads.
 */
public final class Failovers {
  private final AtomicLong source = new AtomicLong();
  private final AtomicLong destination = new AtomicLong();

  /** The source's master changed. */
  public void sourceSeen() {
    source.incrementAndGet();
  }

  /** The destination's master (or a cluster master of it) changed. */
  public void destinationSeen() {
    destination.incrementAndGet();
  }

  public long source() {
    return source.get();
  }

  public long destination() {
    return destination.get();
  }
}
