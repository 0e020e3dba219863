package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
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

  private final WriteContext ctx;
  private final Throttle throttle;
  private final KeyRewrites rewrites;
  private final SourceTransaction sourceTransaction = new SourceTransaction();

  LiveCommands(WriteContext ctx, Throttle throttle, KeyRewrites rewrites) {
    this.ctx = ctx;
    this.throttle = throttle;
    this.rewrites = rewrites;
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
      ctx.writer().drain();
    }
    CommandEvent first = commands.get(0);
    if (first.db() != ctx.dest().db()) {
      ctx.writer().drain();
      try {
        ctx.writer().select(first.db());
      } catch (WriteException e) {
        commands.forEach(c -> ctx.listener().commandFailed(c, WriteFailure.of(e.getMessage())));
        throw e;
      }
    }
    rewrites.sendFollowUps();
    ctx.writer().sendSlot(new Slot.Control("ASKING"), ASKING);
    for (CommandEvent command : commands) {
      // Paced by --max-rate when first sent.
      resend(command);
    }
  }

  private void send(CommandEvent command, boolean paced)
      throws WriteException, InterruptedException {
    if (command.db() != ctx.dest().db()) {
      if (sourceTransaction.open()) {
        // Inside MULTI the SELECT is queued like the rest and takes effect at EXEC. It is our
        // own command, not one the source sent: booked as a live command, it counted as applied
        // without ever being read (the EXEC's reply still says if it failed).
        ctx.writer().sendSlot(new Slot.Control("SELECT"), SELECT, Replies.ascii(command.db()));
        ctx.dest().onDb(command.db());
      } else {
        // SELECT is sent alone, with nothing in flight (see PipelinedWriter.write).
        ctx.writer().drain();
        try {
          ctx.writer().select(command.db());
        } catch (WriteException e) {
          ctx.listener().commandFailed(command, WriteFailure.of(e.getMessage()));
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
    ctx.writer().sendSlot(new Slot.Live(command), command.argv());
  }
}
