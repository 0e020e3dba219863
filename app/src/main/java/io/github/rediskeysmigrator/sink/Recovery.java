package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.redis.Backoff;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.Reconnector;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Reconnect and resend for the pipelined writer: the connection dropped, so it reconnects with
 * backoff, then sends again what has no reply yet, in order. Keys are RESTOREd again (a BUSYKEY
 * then is checked against our payload by {@link ResendCheck}). In atomic mode the destination's
 * checkpoint key tells which transactions committed before the drop; the others are queued again,
 * so nothing is lost or applied twice. Plain live commands (sync without --checkpoint) are sent
 * again: at least once. A drop while sending again is part of the same recovery: it goes on with
 * the attempts --retries has left. Keys refused with LOADING or BUSY (passing states of the server)
 * are sent again after a pause, for --retries rounds.
 */
final class Recovery {
  private final PipelinedWriter writer;
  private final DestinationConnection dest;
  private final Reconnector reconnector;
  private final PipelinedWriter.Settings settings;
  private final Sleeper sleeper;
  private final AtomicBatches atomic;
  private final KeyRewrites rewrites;
  private final ResendCheck resend;
  private final ReplyBook book;
  private final WriteListener listener;
  private boolean recovering;

  Recovery(
      PipelinedWriter writer,
      DestinationConnection dest,
      Reconnector reconnector,
      PipelinedWriter.Settings settings,
      Sleeper sleeper,
      AtomicBatches atomic,
      KeyRewrites rewrites,
      ResendCheck resend,
      ReplyBook book,
      WriteListener listener) {
    this.writer = writer;
    this.dest = dest;
    this.reconnector = reconnector;
    this.settings = settings;
    this.sleeper = sleeper;
    this.atomic = atomic;
    this.rewrites = rewrites;
    this.resend = resend;
    this.book = book;
    this.listener = listener;
  }

  /** The connection broke again while {@link #recover} was sending again what had no reply. */
  private static final class LostAgain extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient JedisConnectionException cause;

    LostAgain(JedisConnectionException cause) {
      super(cause);
      this.cause = cause;
    }
  }

  void recover(JedisConnectionException cause) throws WriteException, InterruptedException {
    if (reconnector == null || settings.retries() <= 0) {
      throw lost(cause);
    }
    if (recovering) {
      throw new LostAgain(cause);
    }
    boolean checkpointed = settings.checkpointKey() != null;
    List<Slot> pending = writer.takeUnanswered();
    List<Slot> openTransaction = atomic.takeOpen();
    int attempt = 0;
    while (true) {
      dest.closeBroken(cause);
      Connection fresh = null;
      ConnectException last = null;
      while (fresh == null && attempt < settings.retries()) {
        attempt++;
        sleeper.sleep(Backoff.millis(settings.retryBackoffMillis(), attempt));
        try {
          fresh = reconnector.connect();
        } catch (ConnectException e) {
          last = e;
        }
      }
      if (fresh == null) {
        WriteFailure reason =
            WriteFailure.of("no reply: connection lost (" + cause.getMessage() + ")");
        pending.forEach(slot -> fail(slot, reason));
        openTransaction.forEach(slot -> fail(slot, reason));
        throw new WriteException(
            "connection lost and not regained after "
                + settings.retries()
                + " attempts ("
                + (last == null ? cause.getMessage() : last.getMessage())
                + ")",
            cause);
      }
      dest.use(fresh);
      recovering = true;
      int i = 0;
      try {
        long committed = checkpointed ? atomic.committedOffset() : -1;
        for (; i < pending.size(); i++) {
          sendAgain(pending.get(i), committed, checkpointed);
        }
        atomic.requeue(openTransaction, Long.MAX_VALUE);
        return;
      } catch (LostAgain again) {
        cause = again.cause;
        if (checkpointed) {
          // A transaction half queued again cannot be told apart from the rest: stop here, with
          // everything booked.
          WriteFailure reason =
              WriteFailure.of("no reply: connection lost again (" + cause.getMessage() + ")");
          List<Slot> rest = writer.takeUnanswered();
          rest.addAll(pending.subList(Math.min(i + 1, pending.size()), pending.size()));
          rest.forEach(slot -> fail(slot, reason));
          openTransaction.forEach(slot -> fail(slot, reason));
          throw new WriteException("connection lost again while sending again", cause);
        }
        // What was sent again without reply, then what was not sent again yet, in order. The
        // slot being sent is among the first if it got as far as the pipeline.
        List<Slot> rest = writer.takeUnanswered();
        Slot sending = i < pending.size() ? pending.get(i) : null;
        boolean current = rest.stream().anyMatch(slot -> Slot.sameItem(slot, sending));
        int from = Math.min(current ? i + 1 : i, pending.size());
        rest.addAll(pending.subList(from, pending.size()));
        pending = rest;
      } finally {
        recovering = false;
      }
    }
  }

  private void sendAgain(Slot slot, long committed, boolean checkpointed)
      throws WriteException, InterruptedException {
    // A command of ours (MULTI, SELECT, ASKING) is not sent again: what needs it sends it anew.
    if (slot instanceof Slot.OfRewrite of) {
      // Built again from the start (its first command deletes the temporary key). Its RENAMENX
      // may then meet the key its first RENAMENX put in place: see KeyRewrites.bookCleanup.
      KeyRewrites.Rewrite rewrite = of.rewrite();
      if (rewrites.handOver(rewrite)) {
        writer.write(rewrite.event);
      }
    } else if (slot instanceof Slot.Restore restore) {
      resend.sentAgain(restore.event());
      writer.write(restore.event());
    } else if (slot instanceof Slot.Exec exec) {
      atomic.requeue(exec.queued(), committed);
    } else if (slot instanceof Slot.Live live && !checkpointed) {
      writer.writeCommand(live.command());
    }
  }

  /**
   * Sends again the keys the destination refused with LOADING or BUSY, after a pause, until they
   * are booked or --retries rounds are spent (then they fail with the server's reply).
   */
  void retryPassingErrors() throws WriteException, InterruptedException {
    for (int round = 1; book.hasRetries(); round++) {
      List<KeyEvent> again = book.takeRetries();
      if (round > settings.retries()) {
        WriteFailure stayed = WriteFailure.of("the destination stayed LOADING or BUSY");
        for (KeyEvent event : again) {
          listener.failed(event, stayed);
        }
        return;
      }
      sleeper.sleep(Backoff.millis(settings.retryBackoffMillis(), round));
      for (int i = 0; i < again.size(); i++) {
        try {
          writer.write(again.get(i));
        } catch (WriteException e) {
          // The run stops: the keys not sent again yet are booked with its cause (the one in
          // hand was booked by write).
          WriteFailure why = WriteFailure.of(e.getMessage());
          again.subList(i + 1, again.size()).forEach(k -> listener.lost(k, why));
          throw e;
        }
      }
      writer.pump();
      dest.onDb(resend.resolve(dest.get(), dest.db()));
    }
  }

  /**
   * The connection is gone: keys sent without a reply may or may not have been applied, so each is
   * booked as failed (and lands in the error log) to keep the totals whole.
   */
  private WriteException lost(JedisConnectionException e) {
    WriteFailure reason = WriteFailure.of("no reply: connection lost (" + e.getMessage() + ")");
    writer.takeUnanswered().forEach(slot -> fail(slot, reason));
    return new WriteException("connection lost (" + e.getMessage() + ")", e);
  }

  /**
   * Books the key or command of {@code slot} as failed because the run stops (the connection is
   * lost, the destination is read-only); a command of ours has nothing to book.
   */
  void fail(Slot slot, WriteFailure reason) {
    if (slot instanceof Slot.OfRewrite rewrite) {
      rewrites.fail(rewrite.rewrite(), reason);
    } else if (slot instanceof Slot.Restore restore) {
      listener.lost(restore.event(), reason);
    } else if (slot instanceof Slot.Live live) {
      listener.commandFailed(live.command(), reason);
    }
  }
}
