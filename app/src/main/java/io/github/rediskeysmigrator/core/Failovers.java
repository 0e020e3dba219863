package io.github.rediskeysmigrator.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the failovers a run went through: each time the source's or the destination's master went
 * away and the run went on with the node that took its place. Shared by the source, the writers and
 * the report, which may live on different threads.
 */
public final class Failovers {
  // Package-private for ReportMerge, which adds up the counts of several runs.
  final AtomicLong sourceCount = new AtomicLong();
  final AtomicLong destinationCount = new AtomicLong();

  /** The source's master changed. */
  public void sourceSeen() {
    sourceCount.incrementAndGet();
  }

  /** The destination's master (or a cluster master of it) changed. */
  public void destinationSeen() {
    destinationCount.incrementAndGet();
  }

  public long source() {
    return sourceCount.get();
  }

  public long destination() {
    return destinationCount.get();
  }
}
