package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sends a rewritten key's commands as the decoder produces them, each one once the next is known,
 * so that the last one goes out marked as last; and tells whether a reply is what a command
 * expects.
 */
final class RewriteEmitter implements RewriteCommands.Sink {
  private final KeyRewrites.Rewrite r;
  private final KeyRewrites.SlotSender sender;
  private RewriteCommands.Command held;
  private int sent;

  RewriteEmitter(KeyRewrites.Rewrite r, KeyRewrites.SlotSender sender) {
    this.r = r;
    this.sender = sender;
  }

  /** Carries a checked failure of sending out of the decoder's callbacks. */
  static final class SendFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SendFailed(Exception cause) {
      super(cause);
    }

    /** Throws the failure this carries. */
    void rethrow() throws WriteException, InterruptedException {
      if (getCause() instanceof InterruptedException e) {
        throw e;
      }
      throw (WriteException) getCause();
    }
  }

  /** The key being rewritten was handed to a new attempt (a reconnect): stop decoding it. */
  static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super(null, null, false, false);
    }
  }

  @Override
  public void accept(RewriteCommands.Command c) {
    if (held != null) {
      send(held, false);
    }
    held = c;
  }

  /** Sends the command held back, marked as the last. */
  void finish() {
    if (held != null) {
      send(held, true);
      held = null;
    }
  }

  /** How many commands went out. */
  int sent() {
    return sent;
  }

  private void send(RewriteCommands.Command c, boolean last) {
    if (r.settled) {
      throw new Abandoned();
    }
    try {
      sender.send(new Slot.Step(r, c.argv()[0], c.expect(), last), c.argv());
    } catch (WriteException | InterruptedException e) {
      throw new SendFailed(e);
    }
    sent++;
    if (r.settled) {
      throw new Abandoned();
    }
  }

  /**
   * Why {@code reply} is not the success {@code command} expects, or null when it is; {@code error}
   * is the reply classified, null when it is no error.
   */
  static WriteFailure problem(
      byte[] command, RewriteCommands.Expect expect, Object reply, RedisError error) {
    String name = new String(command, StandardCharsets.US_ASCII);
    if (error != null) {
      return WriteFailure.of(error).and(" (reply to " + name + ")");
    }
    boolean ok =
        switch (expect) {
          case ANY -> true;
          case OK -> Replies.isOk(reply);
          case ONE -> reply instanceof Long l && l == 1;
          case NON_EMPTY -> reply instanceof List<?> l && !l.isEmpty();
        };
    return ok
        ? null
        : WriteFailure.of("unexpected reply to " + name + ": " + Replies.describe(reply));
  }
}
