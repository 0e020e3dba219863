package io.github.rediskeysmigrator.core;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where each stream of a key source stands for {@code --checkpoint} ({@code rdb}, {@code scan}):
 * the last {@link ReadPoint} each stream handed over, recorded only once the writer has flushed
 * past it, so the checkpoint never covers a key the destination has not answered. A flush is asked
 * for at most once per {@code everyMs}: the cost of a checkpoint is one drained pipeline a second.
 */
final class ReadProgress {
  private final ReadCheckpoint checkpoint;
  private final long everyMs;
  private final Clock clock;
  private final StopRules stops;
  private final java.util.function.BooleanSupplier lostAny;

  /**
   * Per stream, by name (the file lists them in one order whatever order they came in): the newest
   * point handed over, not yet known to be acknowledged.
   */
  private final Map<String, ReadPoint> arrived = new TreeMap<>();

  /** Per stream: the point the checkpoint holds. */
  private final Map<String, ReadPoint> saved = new TreeMap<>();

  private long lastSaveMs;

  /**
   * @param lostAny whether a key was lost to a run-stopping fault: from then on the checkpoint
   *     stays where it is, since it would cover the lost key
   */
  ReadProgress(
      ReadCheckpoint checkpoint,
      long everyMs,
      Clock clock,
      StopRules stops,
      java.util.function.BooleanSupplier lostAny) {
    this.checkpoint = checkpoint;
    this.lostAny = lostAny;
    this.everyMs = everyMs;
    this.clock = clock;
    this.stops = stops;
    this.lastSaveMs = clock.millis();
  }

  /**
   * Takes a point handed over by the source; returns true when a checkpoint is due: the caller
   * flushes the writer, then calls {@link #acknowledged}.
   */
  boolean arrived(ReadPoint point) {
    arrived.put(point.stream(), point);
    return point.done() || clock.millis() - lastSaveMs >= everyMs;
  }

  /**
   * The writer is flushed: every point arrived so far is acknowledged, and the checkpoint records
   * them ({@code complete}: the whole source is). Nothing is written when nothing moved.
   */
  void acknowledged(boolean complete) {
    if (lostAny.getAsBoolean() || (arrived.equals(saved) && !complete)) {
      return;
    }
    saved.putAll(arrived);
    try {
      checkpoint.save(List.copyOf(saved.values()), complete);
      lastSaveMs = clock.millis();
    } catch (IOException e) {
      stops.stop(ExitCode.USAGE, "cannot write the checkpoint: " + e.getMessage());
    }
  }
}
