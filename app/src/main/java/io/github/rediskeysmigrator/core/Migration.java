package io.github.rediskeysmigrator.core;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one migration: the source reads on its own thread into a {@link HandoffQueue}; this thread
 * selects each key and live command ({@link KeySelection}), maps its db and hands it to the {@link
 * KeyWriter}; every outcome lands in the {@link MigrationReport} ({@link MigrationOutcomes}), live
 * streams advance as the writer books their commands ({@link StreamOffsets}). A failure on either
 * side stops both ({@link StopRules}): the reader's failure after the keys it read before it are
 * written, the writer's at once.
 */
public final class Migration {
  private static final Logger log = LoggerFactory.getLogger(Migration.class);

  /** Holds the place of a live command with nothing to apply at the destination. */
  private static final byte[] PING = {'P', 'I', 'N', 'G'};

  private final KeySource source;
  private final MigrationConfig config;
  private final Function<WriteListener, KeyWriter> writerFactory;
  private final MigrationReport report;
  private final Clock clock;
  private final LiveOptions live;
  private final StopRules stops;
  private final KeySelection selection;
  private final StreamOffsets offsets;
  private final MigrationOutcomes outcomes;
  private final TtlRaces races;
  // Renames live commands' keys; null when --rename-prefix is not given.
  private final CommandRenamer commandRenamer;
  // Where the read points of rdb and scan go (--checkpoint); null without one.
  private ReadProgress reads;
  // The last event handed to the writer is completed by the next one (a live re-read's DEL, with
  // the key's new value to come): a stop waits for it.
  private boolean completing;

  /**
   * A run of {@code config} from {@code source} (with {@code live} commands for sync, else {@link
   * LiveOptions#NONE}) into the writers {@code writerFactory} opens, told each key's fate.
   */
  public Migration(
      KeySource source,
      MigrationConfig config,
      LiveOptions live,
      Function<WriteListener, KeyWriter> writerFactory,
      MigrationContext context) {
    this.selection = new KeySelection(config, live.keys(), context.clock());
    this.races = new TtlRaces(live.refetch(), config.rename(), context.report());
    this.outcomes = new MigrationOutcomes(config, context, live, selection, races);
    this.source = source;
    this.config = config;
    this.live = live;
    this.writerFactory = writerFactory;
    this.report = context.report();
    this.stops = outcomes.stops();
    this.clock = context.clock();
    this.offsets = outcomes.offsets();
    this.commandRenamer =
        config.rename().isEmpty()
            ? null
            : new CommandRenamer(config.rename(), live.keys(), config.clusterSlot());
  }

  /**
   * Records the source's {@link ReadPoint}s in {@code checkpoint} once the writer has flushed past
   * them, at most every {@code everyMs} (and at the end, marked complete when the run read
   * everything). Call before {@link #run}.
   */
  public void checkpointReads(ReadCheckpoint checkpoint, long everyMs) {
    this.reads = new ReadProgress(checkpoint, everyMs, clock, stops, outcomes::lostAny);
  }

  /** Runs to the end (or the first stop) and returns the exit code; the report is complete. */
  public int run() throws InterruptedException {
    long start = clock.millis();
    HandoffQueue queue = new HandoffQueue(MigrationConfig.Defaults.QUEUE_KEYS);
    Thread reader = null;
    int exit = ExitCode.OK;
    try (KeyWriter writer = writerFactory.apply(outcomes)) {
      reader = queue.startProducer("rkm-reader", () -> source.readInto(queue));
      try {
        exit = consume(queue, writer);
      } catch (HandoffQueue.ProducerFailure failure) {
        // Keys read before the failure are whole: write them, then report where reading stopped.
        writer.flush();
        readsAcknowledged(false);
        stops.sourceFailed(failure.getCause());
      }
    } catch (WriteException e) {
      log.debug("destination failed", e);
      stops.stop(ExitCode.CONNECTION, "destination: " + e.getMessage());
    } finally {
      races.close();
      source.stop();
      if (reader != null) {
        reader.interrupt();
        reader.join(5_000);
      }
    }
    // One stop reason, and the exit code is its own: the first cause wins.
    if (stops.stopped()) {
      exit = stops.exitCode();
    }
    if (exit == ExitCode.OK
        && (report.errors() > 0 || report.functionsFailed() > 0 || report.commandsFailed() > 0)) {
      exit = ExitCode.KEY_ERRORS;
    }
    String reason = stops.reason();
    String imbalance = report.imbalance();
    if (imbalance != null) {
      // Checked, not hoped for: a run whose totals lie says so, whatever else happened.
      reason =
          "internal error: the totals do not add up ("
              + imbalance
              + "); please report it"
              + (stops.stopped() ? "; the run had stopped: " + stops.reason() : "");
      log.error(reason);
      exit = ExitCode.INTERNAL;
    }
    report.finish(clock.millis() - start, source.bytesRead(), exit, reason);
    return exit;
  }

  private int consume(HandoffQueue queue, KeyWriter writer)
      throws InterruptedException, HandoffQueue.ProducerFailure, WriteException {
    List<SourceEvent> batch;
    while ((batch = queue.poll(250)) != null) {
      if (batch.isEmpty()) {
        settleRaces(writer);
        // A quiet stream: a stop request must not wait for the next event, and the checkpoint
        // catches up with what was applied last.
        if (stops.stopped() && !completing) {
          writer.flush();
          offsets.saveCheckpoint(true);
          readsAcknowledged(false);
          return stops.exitCode();
        }
        offsets.saveCheckpoint(true);
        continue;
      }
      // Caught up with a live stream: send what is pending after this batch instead of waiting
      // for a full pipeline.
      boolean caughtUp = live != LiveOptions.NONE && queue.isEmpty();
      if (processBatch(batch, writer)) {
        return stops.exitCode();
      }
      if (caughtUp) {
        writer.flush();
        settleRaces(writer);
      }
    }
    writer.flush();
    settleRaces(writer);
    offsets.saveCheckpoint(true);
    if (!stops.stopped()) {
      List<byte[]> libraries = source.functionLibraries();
      if (!libraries.isEmpty()) {
        writer.restoreFunctions(libraries, outcomes.functions());
      }
    }
    readsAcknowledged(!stops.stopped());
    return stops.stopped() ? stops.exitCode() : ExitCode.OK;
  }

  /** Handles one batch; returns true when a stop was requested (the writer is then flushed). */
  private boolean processBatch(List<SourceEvent> batch, KeyWriter writer)
      throws WriteException, InterruptedException {
    for (SourceEvent event : batch) {
      if (stops.stopped() && !completing) {
        writer.flush();
        offsets.saveCheckpoint(true);
        readsAcknowledged(false);
        return true;
      }
      completing = event instanceof CommandEvent c && c.completedByNext();
      if (event instanceof KeyEvent key) {
        key(key, writer);
      } else if (event instanceof CommandEvent command) {
        command(command, writer);
      } else if (event instanceof SyncPoint point) {
        // The writer is flushed: the stream is applied up to here.
        writer.flush();
        offsets.reached(point);
      } else if (event instanceof ReadPoint point && reads != null && reads.arrived(point)) {
        // The writer is flushed: every key the source handed over before the point is answered.
        writer.flush();
        reads.acknowledged(false);
      }
      if (races.pending()) {
        recoverRaces(writer);
      }
    }
    return false;
  }

  /** Recovers the keys lost to a TTL race that the last replies told of, until none is left. */
  private void settleRaces(KeyWriter writer) throws WriteException, InterruptedException {
    while (races.pending() && !stops.stopped()) {
      recoverRaces(writer);
      writer.flush();
    }
  }

  /**
   * Writes anew the keys the destination lost to a TTL race ({@link TtlRaces}), after what the
   * writer holds: each key's DEL and value go together, as one.
   */
  private void recoverRaces(KeyWriter writer) throws WriteException, InterruptedException {
    List<SourceEvent> again;
    try {
      again = races.recover();
    } catch (SourceException e) {
      stops.sourceFailed(e);
      return;
    }
    for (SourceEvent event : again) {
      if (event instanceof KeyEvent key) {
        key(key, writer);
      } else if (event instanceof CommandEvent command) {
        command(command, writer);
      }
    }
    completing = false;
  }

  /** The writer is flushed: the checkpoint of rdb and scan records the read points so far. */
  private void readsAcknowledged(boolean complete) {
    if (reads != null) {
      reads.acknowledged(complete);
    }
  }

  private void key(KeyEvent event, KeyWriter writer) throws WriteException, InterruptedException {
    report.read.incrementAndGet();
    if (event.isGone()) {
      report.skippedGone.incrementAndGet();
      return;
    }
    switch (selection.key(event)) {
      case FILTERED -> {
        report.filtered.incrementAndGet();
        event.release();
      }
      case EXPIRED -> {
        report.skippedExpired.incrementAndGet();
        event.release();
      }
      case KEEP -> writer.write(renamed(event.inDb(config.destinationDb(event.sourceDb()))));
    }
  }

  /** The key under its destination name (--rename-prefix), after the filters saw its own. */
  private KeyEvent renamed(KeyEvent event) {
    byte[] name = config.rename().rename(event.key());
    if (name == event.key()) {
      return event;
    }
    report.renamed(event.key(), name);
    return event.withKey(name);
  }

  /**
   * A live command goes through the selection ({@link KeySelection#command}) under its source
   * names; --rename-prefix then renames every key argument ({@link CommandRenamer}), and the
   * existence policy and the writer see the new names.
   */
  private void command(CommandEvent command, KeyWriter writer)
      throws WriteException, InterruptedException {
    List<byte[]> keys = live.keys().keys(command.argv());
    races.note(command);
    if (races.superseded(command, keys)) {
      // A key read again after a TTL race holds this command's effect already.
      report.commandsRead.incrementAndGet();
      report.commandsSkipped.incrementAndGet();
      return;
    }
    if (!selection.command(command, keys)) {
      report.commandsRead.incrementAndGet();
      report.commandsFiltered.incrementAndGet();
      return;
    }
    if (commandRenamer == null) {
      report.commandsRead.incrementAndGet();
      write(command, keys, writer);
      return;
    }
    // A source transaction is held by the renamer until its EXEC: its commands count as read
    // when they come out, applied or refused as a block.
    CommandRenamer.Step step = commandRenamer.accept(command);
    report.commandsRead.addAndGet(step.write().size() + step.refused().size());
    if (!step.refused().isEmpty()) {
      // Booked in stream order: what the writer holds goes first.
      writer.flush();
      for (CommandRenamer.Refusal r : step.refused()) {
        // MULTI and EXEC of a refused transaction too: applied, they count as applied.
        outcomes.commandFailed(r.command(), WriteFailure.of(r.reason()));
      }
    }
    for (CommandEvent c : step.write()) {
      write(c, live.keys().keys(c.argv()), writer);
    }
  }

  /** Writes a command unless it touches a key the snapshot left alone ({@code keys}: its keys). */
  private void write(CommandEvent command, List<byte[]> keys, KeyWriter writer)
      throws WriteException, InterruptedException {
    if (selection.touchesLeftAlone(command, keys)) {
      report.commandsSkipped.incrementAndGet();
      return;
    }
    LiveTranslator.Translation t = live.translator().translate(command.argv());
    CommandEvent mapped = command.inDb(config.destinationDb(command.sourceDb()));
    if (t.argv() != null) {
      writer.writeCommand(t.argv() == command.argv() ? mapped : mapped.withArgv(t.argv()));
    } else {
      // Nothing to apply, or refused: a PING holds the command's place, so that it is booked in
      // stream order (with its refusal, once the PING's reply comes).
      log.debug("{} (offset {}): {}", command.name(), command.offset(), t.reason());
      CommandEvent ping = mapped.withArgv(new byte[][] {PING});
      outcomes.hold(ping, command, t);
      writer.writeCommand(ping);
    }
  }

  /**
   * Asks the run to stop after the key in hand: what was sent is flushed and booked, the report is
   * completed, and {@link #run} returns {@code exitCode}. Safe from any thread. The first cause
   * wins ({@link StopRules}).
   */
  public void requestStop(int exitCode, String reason) {
    stops.stop(exitCode, reason);
  }
}
