package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
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
  /**
   * How the writer gets back on its feet.
   *
   * @param reconnector opens a new connection to the destination, or null (a drop is final)
   * @param sleeper waits the backoff between two attempts
   * @param retries reconnect attempts after a drop, and rounds for keys refused with LOADING or
   *     BUSY
   * @param backoffMillis the backoff step: attempt n waits n times it (capped)
   */
  record Policy(Reconnector reconnector, Sleeper sleeper, int retries, long backoffMillis) {}

  private final WriteContext ctx;
  private final Policy policy;
  private final AtomicBatches atomic;
  private final KeyRewrites rewrites;
  private boolean recovering;

  Recovery(WriteContext ctx, Policy policy, AtomicBatches atomic, KeyRewrites rewrites) {
    this.ctx = ctx;
    this.policy = policy;
    this.atomic = atomic;
    this.rewrites = rewrites;
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
    if (policy.reconnector() == null || policy.retries() <= 0) {
      throw lost(cause);
    }
    if (recovering) {
      throw new LostAgain(cause);
    }
    boolean checkpointed = atomic.checkpointed();
    List<Slot> pending = ctx.writer().takeUnanswered();
    List<Slot> openTransaction = atomic.takeOpen();
    int attempt = 0;
    while (true) {
      ctx.dest().closeBroken(cause);
      Connection fresh = null;
      ConnectException last = null;
      while (fresh == null && attempt < policy.retries()) {
        attempt++;
        policy.sleeper().sleep(Backoff.millis(policy.backoffMillis(), attempt));
        try {
          fresh = policy.reconnector().connect();
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
                + policy.retries()
                + " attempts ("
                + (last == null ? cause.getMessage() : last.getMessage())
                + ")",
            cause);
      }
      ctx.dest().use(fresh);
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
          List<Slot> rest = ctx.writer().takeUnanswered();
          rest.addAll(pending.subList(Math.min(i + 1, pending.size()), pending.size()));
          rest.forEach(slot -> fail(slot, reason));
          openTransaction.forEach(slot -> fail(slot, reason));
          throw new WriteException("connection lost again while sending again", cause);
        }
        // What was sent again without reply, then what was not sent again yet, in order. The
        // slot being sent is among the first if it got as far as the pipeline.
        List<Slot> rest = ctx.writer().takeUnanswered();
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
        ctx.writer().write(rewrite.event);
      }
    } else if (slot instanceof Slot.Restore restore) {
      ctx.resend().sentAgain(restore.event());
      ctx.writer().write(restore.event());
    } else if (slot instanceof Slot.Exec exec) {
      atomic.requeue(exec.queued(), committed);
    } else if (slot instanceof Slot.Live live && !checkpointed) {
      ctx.writer().writeCommand(live.command());
    }
  }

  /**
   * Sends again the keys the destination refused with LOADING or BUSY, after a pause, until they
   * are booked or --retries rounds are spent (then they fail with the server's reply).
   */
  void retryPassingErrors() throws WriteException, InterruptedException {
    for (int round = 1; ctx.book().hasRetries(); round++) {
      List<KeyEvent> again = ctx.book().takeRetries();
      if (round > policy.retries()) {
        WriteFailure stayed = WriteFailure.of("the destination stayed LOADING or BUSY");
        for (KeyEvent event : again) {
          ctx.listener().failed(event, stayed);
        }
        return;
      }
      policy.sleeper().sleep(Backoff.millis(policy.backoffMillis(), round));
      for (int i = 0; i < again.size(); i++) {
        try {
          ctx.writer().write(again.get(i));
        } catch (WriteException e) {
          // The run stops: the keys not sent again yet are booked with its cause (the one in
          // hand was booked by write).
          WriteFailure why = WriteFailure.of(e.getMessage());
          again.subList(i + 1, again.size()).forEach(k -> ctx.listener().lost(k, why));
          throw e;
        }
      }
      ctx.writer().pump();
      ctx.dest().onDb(ctx.resend().resolve(ctx.dest().get(), ctx.dest().db()));
    }
  }

  /**
   * The connection is gone: keys sent without a reply may or may not have been applied, so each is
   * booked as failed (and lands in the error log) to keep the totals whole.
   */
  private WriteException lost(JedisConnectionException e) {
    WriteFailure reason = WriteFailure.of("no reply: connection lost (" + e.getMessage() + ")");
    ctx.writer().takeUnanswered().forEach(slot -> fail(slot, reason));
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
      ctx.listener().lost(restore.event(), reason);
    } else if (slot instanceof Slot.Live live) {
      ctx.listener().commandFailed(live.command(), reason);
    }
  }
}
