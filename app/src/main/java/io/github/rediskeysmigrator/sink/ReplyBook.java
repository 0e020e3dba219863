package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Books the reply of one RESTORE or live command with the {@link WriteListener}, deciding per kind
 * of {@link RedisError}: BUSYKEY is a key that existed; LOADING and BUSY are passing states of the
 * server, so the key waits for another attempt (up to --retries rounds); READONLY means every key
 * would fail, so the run stops after this batch; anything else (OOM, bad payload, NOPERM) fails
 * this key only.
 */
final class ReplyBook {
  private final WriteListener listener;
  private final ServerInfo server;
  private final int retries;
  private final ResendCheck resend;
  private final List<KeyEvent> retryLater = new ArrayList<>();
  private JedisDataException readOnly;

  ReplyBook(WriteListener listener, int retries, ResendCheck resend, ServerInfo server) {
    this.server = server;
    this.listener = listener;
    this.retries = retries;
    this.resend = resend;
  }

  /** Books one RESTORE reply. */
  void restored(KeyEvent event, Object reply) {
    if (Replies.isOk(reply)) {
      resend.forget(event);
      listener.written(event);
    } else if (reply instanceof JedisDataException e) {
      RedisError error = RedisError.of(e.getMessage());
      if (worthRetrying(error)) {
        retryLater.add(event);
      } else if (error.kind() == RedisError.Kind.READ_ONLY) {
        // Every key would fail the same way: book this one, stop after this batch. The
        // read-only destination stops the run, not these keys' count (--max-errors).
        listener.lost(event, WriteFailure.of(error));
        readOnly = e;
      } else if (error.kind() == RedisError.Kind.BUSY_KEY) {
        resend.existed(event);
      } else {
        listener.failed(event, WriteFailure.of(error));
      }
    } else {
      listener.failed(
          event, WriteFailure.of("unexpected reply to RESTORE: " + Replies.describe(reply)));
    }
  }

  /** Any reply but an error applies a command; an EXEC reply may carry errors inside. */
  void command(CommandEvent command, Object reply) {
    if (reply instanceof JedisDataException e) {
      listener.commandFailed(command, named(RedisError.of(e.getMessage())));
      return;
    }
    if (reply instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof JedisDataException e) {
          WriteFailure inside = named(RedisError.of(e.getMessage()));
          listener.commandFailed(
              command,
              new WriteFailure("inside the transaction: " + inside.reason(), inside.error()));
          return;
        }
      }
    }
    if (TtlReplies.missedKey(command.argv(), reply)) {
      listener.keyMissing(command);
    }
    listener.commandApplied(command);
  }

  /** A command the destination does not know: the reply, and the destination's version. */
  private WriteFailure named(RedisError error) {
    WriteFailure failure = WriteFailure.of(error);
    return error.kind() == RedisError.Kind.UNKNOWN_COMMAND
        ? failure.and(" (the destination is " + server + ")")
        : failure;
  }

  /**
   * Notes the error reply ({@code error}, classified from {@code reply}; null for none) of a
   * command that builds a rewritten key: whether the key is worth building again after a pause
   * (LOADING, BUSY); READONLY stops the run.
   */
  boolean retriable(RedisError error, Object reply) {
    if (error == null) {
      return false;
    }
    if (error.kind() == RedisError.Kind.READ_ONLY) {
      readOnly = (JedisDataException) reply;
    }
    return worthRetrying(error);
  }

  private boolean worthRetrying(RedisError error) {
    return (error.kind() == RedisError.Kind.LOADING || error.kind() == RedisError.Kind.BUSY)
        && retries > 0;
  }

  /** Queues {@code event} for the next round of attempts. */
  void retryLater(KeyEvent event) {
    retryLater.add(event);
  }

  /** The keys waiting for another attempt; the queue is left empty. */
  List<KeyEvent> takeRetries() {
    List<KeyEvent> again = new ArrayList<>(retryLater);
    retryLater.clear();
    return again;
  }

  boolean hasRetries() {
    return !retryLater.isEmpty();
  }

  /** The READONLY reply that stops the run, or null. */
  JedisDataException readOnly() {
    return readOnly;
  }
}
