package io.github.rediskeysmigrator.core;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one migration: the source reads on its own thread into a {@link HandoffQueue}; this thread
 * filters each key, maps its db and hands it to the {@link KeyWriter}; every outcome lands in the
 * {@link MigrationReport}. A failure on either side stops both: the reader's failure after the keys
 * it read before it are written, the writer's at once.
 */
public final class Migration {
  private static final Logger log = LoggerFactory.getLogger(Migration.class);

  /** Holds the place of a live command with nothing to apply at the destination. */
  private static final byte[] PING = {'P', 'I', 'N', 'G'};

  /** What a stream of type 26 loses when written for a destination older than Redis 8.6. */
  static final String IDMP_LEFT_OUT =
      "was written without its IDMP state (Redis 8.6's idempotent-producer ids and settings),"
          + " which the destination cannot hold";

  private final KeySource source;
  private final MigrationConfig config;
  private final Function<WriteListener, KeyWriter> writerFactory;
  private final ErrorSink errorSink;
  private final MigrationReport report;
  private final Clock clock;
  private final Sleeper sleeper;
  private final LiveOptions live;

  /** Keys the snapshot found at the destination and left alone (policy skip), as db + bytes. */
  private final java.util.Set<String> leftAlone =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  // Per stream (a cluster source has one per master): the last command booked, and the offset
  // the checkpoint holds. A command's stream is known from the SyncPoint that opened its
  // replication id.
  private final java.util.Map<String, CommandEvent> lastApplied =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, Long> savedOffset =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, String> streamOfReplId =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Set<String> startedStreams =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean streamStarted;
  private long lastCheckpointMs;

  private final Outcomes outcomes = new Outcomes();
  // The PINGs sent in place of commands with nothing to apply (or refused): the same instances
  // come back with their replies.
  private final java.util.Map<CommandEvent, Placeholder> placeholders =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
  // Renames live commands' keys; null when --rename-prefix is not given.
  private final CommandRenamer commandRenamer;

  private volatile String stopReason;
  private volatile int stopExitCode = ExitCode.OK;

  public Migration(
      KeySource source,
      MigrationConfig config,
      Function<WriteListener, KeyWriter> writerFactory,
      ErrorSink errorSink,
      MigrationReport report,
      Clock clock,
      Sleeper sleeper) {
    this(source, config, writerFactory, errorSink, report, clock, sleeper, LiveOptions.NONE);
  }

  /** A run whose source also streams live commands (sync). */
  public Migration(
      KeySource source,
      MigrationConfig config,
      Function<WriteListener, KeyWriter> writerFactory,
      ErrorSink errorSink,
      MigrationReport report,
      Clock clock,
      Sleeper sleeper,
      LiveOptions live) {
    this.live = live;
    this.source = source;
    this.config = config;
    this.writerFactory = writerFactory;
    this.errorSink = errorSink;
    this.report = report;
    this.clock = clock;
    this.sleeper = sleeper;
    this.commandRenamer =
        config.rename().isEmpty()
            ? null
            : new CommandRenamer(config.rename(), live.keys(), config.clusterSlot());
  }

  /** Runs to the end (or the first stop) and returns the exit code; the report is complete. */
  public int run() throws InterruptedException {
    long start = clock.millis();
    HandoffQueue queue = new HandoffQueue(MigrationConfig.Defaults.QUEUE_KEYS);
    Thread reader = new Thread(() -> produce(queue), "rkm-reader");
    reader.setDaemon(true);
    KeyFilter filter = KeyFilters.forConfig(config, clock);
    int exit = ExitCode.OK;
    try (KeyWriter writer = writerFactory.apply(outcomes)) {
      reader.start();
      try {
        exit = consume(queue, filter, writer);
      } catch (HandoffQueue.ProducerFailure failure) {
        // Keys read before the failure are whole: write them, then report where reading stopped.
        writer.flush();
        sourceFailure(failure.getCause());
      }
    } catch (WriteException e) {
      log.debug("destination failed", e);
      stop(ExitCode.CONNECTION, "destination: " + e.getMessage());
    } finally {
      source.stop();
      reader.interrupt();
      reader.join(5_000);
    }
    // One stop reason, and the exit code is its own: the first cause wins (see stop).
    if (stopReason != null) {
      exit = stopExitCode;
    }
    if (exit == ExitCode.OK
        && (report.errors() > 0 || report.functionsFailed() > 0 || report.commandsFailed() > 0)) {
      exit = ExitCode.KEY_ERRORS;
    }
    String reason = stopReason;
    String imbalance = report.imbalance();
    if (imbalance != null) {
      // Checked, not hoped for: a run whose totals lie says so, whatever else happened.
      reason =
          "internal error: the totals do not add up ("
              + imbalance
              + "); please report it"
              + (stopReason == null ? "" : "; the run had stopped: " + stopReason);
      log.error(reason);
      exit = ExitCode.INTERNAL;
    }
    report.finish(clock.millis() - start, source.bytesRead(), exit, reason);
    return exit;
  }

  private void produce(HandoffQueue queue) {
    Throwable failure = null;
    try {
      source.readInto(queue);
    } catch (InterruptedException e) {
      // The consumer stopped the run; nobody is waiting for the rest.
      return;
    } catch (Throwable t) {
      failure = t;
    }
    try {
      queue.finish(failure);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int consume(HandoffQueue queue, KeyFilter filter, KeyWriter writer)
      throws InterruptedException, HandoffQueue.ProducerFailure, WriteException {
    List<SourceEvent> batch;
    while ((batch = queue.poll(250)) != null) {
      if (batch.isEmpty()) {
        // A quiet stream: a stop request must not wait for the next event, and the checkpoint
        // catches up with what was applied last.
        if (stopReason != null) {
          writer.flush();
          saveCheckpoint(true);
          return stopExitCode;
        }
        saveCheckpoint(true);
        continue;
      }
      if (live != LiveOptions.NONE && queue.isEmpty()) {
        // Caught up with a live stream: send what is pending instead of waiting for a full
        // pipeline, after this batch.
        if (processBatch(batch, filter, writer)) {
          return stopExitCode;
        }
        writer.flush();
        continue;
      }
      if (processBatch(batch, filter, writer)) {
        return stopExitCode;
      }
    }
    writer.flush();
    saveCheckpoint(true);
    if (stopReason == null) {
      List<byte[]> libraries = source.functionLibraries();
      if (!libraries.isEmpty()) {
        writer.restoreFunctions(libraries, new FunctionOutcomes());
      }
    }
    return stopReason != null ? stopExitCode : ExitCode.OK;
  }

  /** Handles one batch; returns true when a stop was requested (the writer is then flushed). */
  private boolean processBatch(List<SourceEvent> batch, KeyFilter filter, KeyWriter writer)
      throws WriteException, InterruptedException {
    for (SourceEvent event : batch) {
      if (stopReason != null) {
        writer.flush();
        saveCheckpoint(true);
        return true;
      }
      if (event instanceof KeyEvent key) {
        key(key, filter, writer);
      } else if (event instanceof CommandEvent command) {
        command(command, writer);
      } else if (event instanceof SyncPoint point) {
        writer.flush();
        streamOfReplId.put(point.replId(), point.stream());
        startedStreams.add(point.stream());
        // Snapshot keys of streams that have not started yet still count as the destination's.
        streamStarted = startedStreams.size() >= live.streams();
        // The writer is flushed: the stream is applied up to here.
        advance(point.stream(), point.offset());
        save(point);
      }
    }
    return false;
  }

  private void key(KeyEvent event, KeyFilter filter, KeyWriter writer)
      throws WriteException, InterruptedException {
    report.read.incrementAndGet();
    if (event.isGone()) {
      report.skippedGone.incrementAndGet();
      return;
    }
    switch (filter.decide(event)) {
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
   * A live command goes through the same selection as keys: its db, its keys against --match, its
   * data type against --type. With a selection in force, keyless commands (FLUSHDB, SWAPDB,
   * FUNCTION, ...) are left out: they would reach keys outside it. The selection sees the source
   * names; --rename-prefix then renames every key argument ({@link CommandRenamer}), and the
   * existence policy and the writer see the new names.
   */
  private void command(CommandEvent command, KeyWriter writer)
      throws WriteException, InterruptedException {
    if (!config.dbs().isEmpty() && !config.dbs().contains(command.sourceDb())) {
      report.commandsRead.incrementAndGet();
      report.commandsFiltered.incrementAndGet();
      return;
    }
    boolean selective = !config.match().matchesAll() || !config.types().isEmpty();
    List<byte[]> keys = live.keys().keys(command.argv());
    if (selective) {
      KeyType type = live.keys().type(command.argv());
      boolean keep =
          !keys.isEmpty()
              && (type == null || config.types().isEmpty() || config.types().contains(type));
      for (byte[] k : keys) {
        keep &= config.match().matches(k);
      }
      if (!keep) {
        report.commandsRead.incrementAndGet();
        report.commandsFiltered.incrementAndGet();
        return;
      }
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
        outcomes.commandFailed(r.command(), r.reason());
      }
    }
    for (CommandEvent c : step.write()) {
      write(c, live.keys().keys(c.argv()), writer);
    }
  }

  /** Writes a command unless it touches a key the snapshot left alone ({@code keys}: its keys). */
  private void write(CommandEvent command, List<byte[]> keys, KeyWriter writer)
      throws WriteException, InterruptedException {
    if (!leftAlone.isEmpty()) {
      for (byte[] k : keys) {
        if (leftAlone.contains(keyId(command.sourceDb(), k))) {
          report.commandsSkipped.incrementAndGet();
          return;
        }
      }
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
      placeholders.put(ping, new Placeholder(command, t));
      writer.writeCommand(ping);
    }
  }

  /** A live command with nothing to apply, booked when the PING holding its place is answered. */
  private record Placeholder(CommandEvent command, LiveTranslator.Translation translation) {}

  private static String keyId(int db, byte[] key) {
    return db + ":" + new String(key, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private synchronized void save(SyncPoint point) {
    if (live.checkpointer() == null) {
      return;
    }
    try {
      live.checkpointer().save(point);
      lastCheckpointMs = clock.millis();
      savedOffset.merge(point.stream(), point.offset(), Math::max);
    } catch (java.io.IOException e) {
      stop(ExitCode.USAGE, "cannot write the checkpoint: " + e.getMessage());
    }
  }

  /**
   * Records the last acknowledged command of each stream if it is newer than its checkpoint; {@code
   * force} ignores the rate limit.
   */
  private synchronized void saveCheckpoint(boolean force) {
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

  private void booked(CommandEvent command) {
    String stream = streamOfReplId.getOrDefault(command.replId(), "");
    lastApplied.put(stream, command);
    advance(stream, command.offset());
  }

  /** Everything of {@code stream} up to {@code offset} is behind us. */
  private void advance(String stream, long offset) {
    report.applied(stream, offset);
  }

  private void sourceFailure(Throwable cause) {
    if (cause instanceof SourceException se) {
      int code =
          switch (se.kind()) {
            case BAD_INPUT -> ExitCode.BAD_INPUT;
            case CONNECTION -> ExitCode.CONNECTION;
            case RESUME_REFUSED -> ExitCode.RESUME_REFUSED;
          };
      stop(code, se.getMessage());
      return;
    }
    log.error("reading the source failed", cause);
    stop(ExitCode.BAD_INPUT, "reading the source failed: " + cause);
  }

  /**
   * Asks the run to stop after the key in hand: what was sent is flushed and booked, the report is
   * completed, and {@link #run} returns {@code exitCode}. Safe from any thread.
   */
  public void requestStop(int exitCode, String reason) {
    stop(exitCode, reason);
  }

  /**
   * The stop precedence: the first cause stops the run and keeps its reason and exit code; a later
   * cause (a lost connection while flushing after --max-errors, a signal during the stop) changes
   * neither. Keys that fail because of a run-stopping fault (a lost connection, a read-only
   * destination) are booked through {@link WriteListener#lost} and never reach --max-errors, so the
   * fault itself is the reason.
   */
  private synchronized void stop(int exitCode, String reason) {
    if (stopReason == null) {
      stopReason = reason;
      stopExitCode = exitCode;
    }
  }

  /** Books function libraries; they are not keys, so they have counters of their own. */
  private final class FunctionOutcomes implements FunctionListener {
    @Override
    public void restored(int index) {
      report.functionsRestored.incrementAndGet();
    }

    @Override
    public void existed(int index, String reply) {
      report.functionsExisting.incrementAndGet();
      if (config.existing() == ExistencePolicy.FAIL) {
        stop(
            ExitCode.STOPPED,
            "function library #" + (index + 1) + ": " + reply + " (--existing fail)");
      }
    }

    @Override
    public void failed(int index, String reason) {
      report.functionsFailed.incrementAndGet();
      errorSink.otherFailed("function library #" + (index + 1), reason);
    }
  }

  /**
   * Books each reply and applies the stop rules (--max-errors, --existing fail, pauses). A big
   * key's temporary payload file is deleted here, once its fate is final.
   */
  private final class Outcomes implements WriteListener {
    @Override
    public void written(KeyEvent event) {
      event.release();
      report.written.incrementAndGet();
      if (config.dryRun()) {
        return;
      }
      if (event.change() == KeyEvent.PayloadChange.NONE) {
        report.restored.incrementAndGet();
      } else {
        report.restamped.incrementAndGet();
        noteIdmp(event);
      }
    }

    @Override
    public void expired(KeyEvent event) {
      event.release();
      report.skippedExpired.incrementAndGet();
    }

    @Override
    public void rewritten(KeyEvent event) {
      noteIdmp(event);
      event.release();
      report.written.incrementAndGet();
      report.rewritten.incrementAndGet();
    }

    /** A stream written without its non-empty IDMP state is noted and counted, never silent. */
    private void noteIdmp(KeyEvent event) {
      if (event.change() != KeyEvent.PayloadChange.IDMP_LEFT_OUT) {
        return;
      }
      report.idmpLeftOut.incrementAndGet();
      errorSink.keyNote(event, IDMP_LEFT_OUT);
      log.warn(
          "note: stream '{}' (db {}) {}",
          KeyNames.printable(event.key()),
          event.sourceDb(),
          IDMP_LEFT_OUT);
    }

    @Override
    public void typeNotHeld(String type) {
      report.unsupportedType(type);
    }

    @Override
    public void commandApplied(CommandEvent command) {
      Placeholder held = placeholders.remove(command);
      if (held != null && held.translation().refused()) {
        refused(held);
        return;
      }
      report.commandsApplied.incrementAndGet();
      booked(command);
      saveCheckpoint(false);
    }

    @Override
    public void commandFailed(CommandEvent command, String reason) {
      Placeholder held = placeholders.remove(command);
      if (held != null) {
        // The PING failed (a transaction aborted): booked in the name of the command it held.
        if (held.translation().refused()) {
          refused(held);
        } else {
          commandFailed(held.command(), reason);
        }
        return;
      }
      report.commandsFailed.incrementAndGet();
      // Failed or not, the command is behind us in the stream: resume after it.
      booked(command);
      errorSink.commandFailed(command, reason);
    }

    private void refused(Placeholder held) {
      String type = held.translation().unsupportedType();
      if (type != null) {
        report.unsupportedType(type);
      }
      commandFailed(held.command(), held.translation().reason());
    }

    @Override
    public void existed(KeyEvent event) {
      event.release();
      long n = report.skippedExisting.incrementAndGet();
      // Only keys the first snapshot found are the destination's own; a later snapshot (a
      // full resync) finds the keys we wrote ourselves.
      if (live.keys() != CommandKeys.NONE && !streamStarted) {
        leftAlone.add(keyId(event.sourceDb(), event.key()));
      }
      if (config.existing() == ExistencePolicy.FAIL) {
        stop(
            ExitCode.STOPPED,
            "key '"
                + KeyNames.printable(event.key())
                + "' (db "
                + event.db()
                + ") already exists at the destination (--existing fail)");
      } else if (config.sleepMillis() > 0 && n % config.existingLimit() == 0) {
        pause();
      }
    }

    @Override
    public void failed(KeyEvent event, String reason) {
      event.release();
      long n = report.errors.incrementAndGet();
      errorSink.keyFailed(event, reason);
      if (config.maxErrors() > 0 && n >= config.maxErrors()) {
        stop(ExitCode.STOPPED, "reached --max-errors (" + config.maxErrors() + " failed keys)");
      }
    }

    @Override
    public void lost(KeyEvent event, String reason) {
      // An error all the same, but the fault that caused it stops the run, not --max-errors.
      event.release();
      report.errors.incrementAndGet();
      errorSink.keyFailed(event, reason);
    }

    private void pause() {
      try {
        sleeper.sleep(config.sleepMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
