package io.github.rediskeysmigrator.core;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Books each reply of a migration's writer in the {@link MigrationReport} and applies the stop
 * rules that outcomes trigger (--max-errors, --existing fail) and the pauses (--sleep after every
 * --existing-limit skipped keys). A big key's temporary payload file is deleted here, once its fate
 * is final. Live commands advance their stream ({@link StreamOffsets}) once booked.
 */
final class MigrationOutcomes implements WriteListener {
  private static final Logger log = LoggerFactory.getLogger(MigrationOutcomes.class);

  /** What a stream of type 26 loses when written for a destination older than Redis 8.6. */
  static final String IDMP_LEFT_OUT =
      "was written without its IDMP state (Redis 8.6's idempotent-producer ids and settings),"
          + " which the destination cannot hold";

  private final MigrationConfig config;
  private final MigrationReport report;
  private final ErrorSink errorSink;
  private final Sleeper sleeper;
  private final StopRules stops;
  private final StreamOffsets offsets;
  private final KeySelection selection;
  private final TtlRaces races;
  private final boolean live;
  private volatile boolean lostAny;

  // The PINGs sent in place of commands with nothing to apply (or refused): the same instances
  // come back with their replies.
  private final Map<CommandEvent, Placeholder> placeholders =
      Collections.synchronizedMap(new IdentityHashMap<>());

  /** A live command with nothing to apply, booked when the PING holding its place is answered. */
  private record Placeholder(CommandEvent command, LiveTranslator.Translation translation) {}

  /**
   * Outcomes of a run with {@code config}, booked in the context's report; the stop rules and the
   * stream offsets are made here, from the config and {@code live}, and {@code selection} learns
   * the keys the first snapshot leaves alone; {@code races} hears of keys the destination lost to a
   * TTL race.
   */
  MigrationOutcomes(
      MigrationConfig config,
      MigrationContext context,
      LiveOptions live,
      KeySelection selection,
      TtlRaces races) {
    this.config = config;
    this.stops = new StopRules(config.maxErrors(), config.existing());
    this.report = context.report();
    this.offsets = new StreamOffsets(live, report, context.clock(), stops);
    this.errorSink = context.errors();
    this.live = live.keys() != CommandKeys.NONE;
    this.sleeper = context.sleeper();
    this.selection = selection;
    this.races = races;
  }

  /** The run's stop rules. */
  StopRules stops() {
    return stops;
  }

  /** Where the run's replication streams stand. */
  StreamOffsets offsets() {
    return offsets;
  }

  /**
   * {@code ping} holds the place of {@code command}, which has nothing to apply at the destination
   * ({@code t}): it is booked in stream order when the PING's reply comes.
   */
  void hold(CommandEvent ping, CommandEvent command, LiveTranslator.Translation t) {
    placeholders.put(ping, new Placeholder(command, t));
  }

  @Override
  public void written(KeyEvent event) {
    event.release();
    report.written.incrementAndGet();
    if (config.dryRun()) {
      return;
    }
    if (event.change() == KeyEvent.PayloadChange.NONE) {
      report.restored.incrementAndGet();
    } else if (event.change() == KeyEvent.PayloadChange.REENCODED) {
      report.rewritten.incrementAndGet();
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
  public void keyMissing(CommandEvent command) {
    races.missed(command);
  }

  @Override
  public void commandApplied(CommandEvent command) {
    Placeholder held = placeholders.remove(command);
    if (held != null && held.translation().refused()) {
      refused(held);
      return;
    }
    report.commandsApplied.incrementAndGet();
    offsets.booked(command);
    offsets.saveCheckpoint(false);
  }

  @Override
  public void commandFailed(CommandEvent command, WriteFailure failure) {
    Placeholder held = placeholders.remove(command);
    if (held != null) {
      // The PING failed (a transaction aborted): booked in the name of the command it held.
      if (held.translation().refused()) {
        refused(held);
      } else {
        commandFailed(held.command(), failure);
      }
      return;
    }
    report.commandsFailed.incrementAndGet();
    // Failed or not, the command is behind us in the stream: resume after it.
    offsets.booked(command);
    errorSink.commandFailed(command, failure.reason());
  }

  private void refused(Placeholder held) {
    String type = held.translation().unsupportedType();
    if (type != null) {
      report.unsupportedType(type);
    }
    commandFailed(held.command(), WriteFailure.of(held.translation().reason()));
  }

  @Override
  public void existed(KeyEvent event) {
    event.release();
    long n = report.skippedExisting.incrementAndGet();
    // Only keys the first snapshot found are the destination's own.
    if (live && offsets.inFirstSnapshot()) {
      selection.leaveAlone(event);
    }
    stops.keyExisted(event);
    if (config.existing() != ExistencePolicy.FAIL
        && config.sleepMillis() > 0
        && n % config.existingLimit() == 0) {
      pause();
    }
  }

  @Override
  public void failed(KeyEvent event, WriteFailure failure) {
    event.release();
    long n = report.errors.incrementAndGet();
    errorSink.keyFailed(event, failure.reason());
    stops.keyFailed(n);
  }

  @Override
  public void lost(KeyEvent event, WriteFailure failure) {
    // An error all the same, but the fault that caused it stops the run, not --max-errors.
    lostAny = true;
    event.release();
    report.errors.incrementAndGet();
    errorSink.keyFailed(event, failure.reason());
  }

  /**
   * Whether a key was lost to a run-stopping fault: a read checkpoint must not pass it, since a
   * resumed run would never write it.
   */
  boolean lostAny() {
    return lostAny;
  }

  private void pause() {
    try {
      sleeper.sleep(config.sleepMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Books function libraries; they are not keys, so they have counters of their own. */
  FunctionListener functions() {
    return new FunctionListener() {
      @Override
      public void restored(int index) {
        report.functionsRestored.incrementAndGet();
      }

      @Override
      public void existed(int index, String reply) {
        report.functionsExisting.incrementAndGet();
        stops.functionExisted(index, reply);
      }

      @Override
      public void failed(int index, String reason) {
        report.functionsFailed.incrementAndGet();
        errorSink.otherFailed("function library #" + (index + 1), reason);
      }
    };
  }
}
