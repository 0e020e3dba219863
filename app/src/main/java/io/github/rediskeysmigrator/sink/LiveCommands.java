package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The live-command path of the pipelined writer (sync without a checkpoint): each command goes in
 * the pipelines, in its db; the source's own MULTI ... EXEC travels whole, with the SELECTs inside
 * it queued like its commands. With a checkpoint, commands go in {@link AtomicBatches} instead.
 */
final class LiveCommands {
  private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ASKING = "ASKING".getBytes(StandardCharsets.US_ASCII);

  private final PipelinedWriter writer;
  private final DestinationConnection dest;
  private final WriteListener listener;
  private final Throttle throttle;
  private final KeyRewrites rewrites;
  private final SourceTransaction sourceTransaction = new SourceTransaction();

  LiveCommands(
      PipelinedWriter writer,
      DestinationConnection dest,
      WriteListener listener,
      Throttle throttle,
      KeyRewrites rewrites) {
    this.writer = writer;
    this.rewrites = rewrites;
    this.dest = dest;
    this.listener = listener;
    this.throttle = throttle;
  }

  /** Sends {@code command} in its db, paced by --max-rate. */
  void write(CommandEvent command) throws WriteException, InterruptedException {
    send(command, true);
  }

  /**
   * Sends {@code command} again (after an ASK redirect, following ASKING), in its db, without
   * pacing it a second time.
   */
  void resend(CommandEvent command) throws WriteException, InterruptedException {
    send(command, false);
  }

  /**
   * Sends {@code commands} preceded by one ASKING (see {@link
   * PipelinedWriter#writeCommandsAsking}), the db of the first one selected before.
   */
  void resendAsking(List<CommandEvent> commands) throws WriteException, InterruptedException {
    if (rewrites.anyOpen()) {
      // A live command must not overtake the rename of a key the snapshot rewrote.
      writer.drain();
    }
    CommandEvent first = commands.get(0);
    if (first.db() != dest.db()) {
      writer.drain();
      try {
        writer.select(first.db());
      } catch (WriteException e) {
        commands.forEach(c -> listener.commandFailed(c, WriteFailure.of(e.getMessage())));
        throw e;
      }
    }
    rewrites.sendFollowUps();
    writer.sendSlot(new Slot.Control("ASKING"), ASKING);
    for (CommandEvent command : commands) {
      // Paced by --max-rate when first sent.
      resend(command);
    }
  }

  private void send(CommandEvent command, boolean paced)
      throws WriteException, InterruptedException {
    if (command.db() != dest.db()) {
      if (sourceTransaction.open()) {
        // Inside MULTI the SELECT is queued like the rest and takes effect at EXEC. It is our
        // own command, not one the source sent: booked as a live command, it counted as applied
        // without ever being read (the EXEC's reply still says if it failed).
        writer.sendSlot(new Slot.Control("SELECT"), SELECT, Replies.ascii(command.db()));
        dest.onDb(command.db());
      } else {
        // SELECT is sent alone, with nothing in flight (see PipelinedWriter.write).
        writer.drain();
        try {
          writer.select(command.db());
        } catch (WriteException e) {
          listener.commandFailed(command, WriteFailure.of(e.getMessage()));
          throw e;
        }
      }
    }
    note(command);
    sendOne(command, paced);
  }

  /** Notes whether the source's MULTI ... EXEC is open after {@code command}. */
  void note(CommandEvent command) {
    sourceTransaction.note(command);
  }

  private void sendOne(CommandEvent command, boolean paced)
      throws WriteException, InterruptedException {
    if (paced) {
      throttle.acquire();
    }
    writer.sendSlot(new Slot.Live(command), command.argv());
  }
}
