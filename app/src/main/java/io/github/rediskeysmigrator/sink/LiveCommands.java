package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import java.nio.charset.StandardCharsets;

/**
 * The live-command path of the pipelined writer (sync without a checkpoint): each command goes in
 * the pipelines, in its db; the source's own MULTI ... EXEC travels whole, with the SELECTs inside
 * it queued like its commands. With a checkpoint, commands go in {@link AtomicBatches} instead.
 */
final class LiveCommands {
  private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

  private final PipelinedWriter writer;
  private final DestinationConnection dest;
  private final WriteListener listener;
  private final Throttle throttle;
  private final SourceTransaction sourceTransaction = new SourceTransaction();

  LiveCommands(
      PipelinedWriter writer,
      DestinationConnection dest,
      WriteListener listener,
      Throttle throttle) {
    this.writer = writer;
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

  private void send(CommandEvent command, boolean paced)
      throws WriteException, InterruptedException {
    if (command.db() != dest.db()) {
      if (sourceTransaction.open()) {
        // Inside MULTI the SELECT is queued like the rest and takes effect at EXEC.
        sendOne(
            CommandEvent.of(
                command.db(),
                new byte[][] {SELECT, Replies.ascii(command.db())},
                command.replId(),
                command.offset()),
            paced);
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
