package io.github.rediskeysmigrator.core;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each replication stream of a run stands (a cluster source has one per master), and the
 * checkpoint that records it. A stream advances only when the writer has booked a command's reply,
 * or has flushed up to a {@link SyncPoint}: the checkpoint never passes a command that the
 * destination has not answered. A command's stream is known from the SyncPoint that opened its
 * replication id.
 */
final class StreamOffsets {
  private final LiveOptions live;
  private final MigrationReport report;
  private final Clock clock;
  private final StopRules stops;

  /** Per stream: the last command booked. */
  private final Map<String, CommandEvent> lastApplied = new ConcurrentHashMap<>();

  /** Per stream: the offset the checkpoint holds. */
  private final Map<String, Long> savedOffset = new ConcurrentHashMap<>();

  /** When the checkpoint was last written (--checkpoint-every counts from it). */
  private long lastCheckpointMs;

  private final Map<String, String> streamOfReplId = new ConcurrentHashMap<>();
  private final Set<String> startedStreams = ConcurrentHashMap.newKeySet();

  StreamOffsets(LiveOptions live, MigrationReport report, Clock clock, StopRules stops) {
    this.live = live;
    this.report = report;
    this.clock = clock;
    this.stops = stops;
  }

  /**
   * The writer is flushed up to {@code point}: its stream is known, applied up to it, and the
   * checkpoint records it.
   */
  void reached(SyncPoint point) {
    streamOfReplId.put(point.replId(), point.stream());
    startedStreams.add(point.stream());
    report.applied(point.stream(), point.offset());
    save(point);
  }

  /**
   * Whether the keys the snapshot finds now are the destination's own: true until every stream has
   * started (a later snapshot, a full resync, finds the keys we wrote ourselves).
   */
  boolean inFirstSnapshot() {
    return startedStreams.size() < live.streams();
  }

  /** The destination answered {@code command} (applied or failed): its stream is past it. */
  void booked(CommandEvent command) {
    String stream = streamOfReplId.getOrDefault(command.replId(), "");
    lastApplied.put(stream, command);
    report.applied(stream, command.offset());
  }

  /**
   * Records the last booked command of each stream if it is newer than its checkpoint; {@code
   * force} ignores the rate limit (--checkpoint-every).
   */
  synchronized void saveCheckpoint(boolean force) {
    if (live.checkpointer() == null) {
      return;
    }
    if (!force && clock.millis() - lastCheckpointMs < live.checkpointEveryMs()) {
      return;
    }
    for (var e : lastApplied.entrySet()) {
      CommandEvent c = e.getValue();
      if (c.offset() > savedOffset.getOrDefault(e.getKey(), -1L)) {
        save(new SyncPoint(c.replId(), c.offset(), c.sourceDb(), e.getKey()));
      }
    }
  }

  private synchronized void save(SyncPoint point) {
    if (live.checkpointer() == null) {
      return;
    }
    try {
      live.checkpointer().save(point);
      lastCheckpointMs = clock.millis();
      savedOffset.merge(point.stream(), point.offset(), Math::max);
    } catch (IOException e) {
      stops.stop(ExitCode.USAGE, "cannot write the checkpoint: " + e.getMessage());
    }
  }
}
