package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.ForwardingListener;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Passes outcomes on to the run's listener, but the outcomes of live commands in the order the
 * commands were submitted, however many connections they went over and whichever answered first.
 * The run records the offset of the last command reported as its checkpoint, so a command may only
 * be reported once every command before it is. A command sent to several connections (a broadcast)
 * is reported once all of them answered: applied if all applied, else failed with the first reason.
 * Key outcomes pass at once. Safe from several threads.
 */
final class CommandOrder extends ForwardingListener {
  private static final class Pending {
    final CommandEvent command;
    int replies;
    WriteFailure failure;

    Pending(CommandEvent command, int replies) {
      this.command = command;
      this.replies = replies;
    }
  }

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Map<CommandEvent, Pending> byCommand = new IdentityHashMap<>();

  CommandOrder(WriteListener listener) {
    super(listener);
  }

  /**
   * Announces a command before it is sent, with the number of replies it will get; with 0 it is
   * reported as applied in its turn (a MULTI or EXEC whose commands went out on their own).
   */
  synchronized void expect(CommandEvent command, int replies) {
    Pending p = new Pending(command, replies);
    queue.add(p);
    if (replies > 0) {
      byCommand.put(command, p);
    } else {
      release();
    }
  }

  /** Books a command that was never sent (routing refused it), in its turn. */
  synchronized void refuse(CommandEvent command, String reason) {
    Pending p = new Pending(command, 0);
    p.failure = WriteFailure.of(reason);
    queue.add(p);
    release();
  }

  /** Whether every announced command has been reported. */
  synchronized boolean idle() {
    return queue.isEmpty();
  }

  @Override
  public synchronized void commandApplied(CommandEvent command) {
    answer(command, null);
  }

  @Override
  public synchronized void commandFailed(CommandEvent command, WriteFailure failure) {
    answer(command, failure);
  }

  private void answer(CommandEvent command, WriteFailure failure) {
    Pending p = byCommand.get(command);
    if (p == null) {
      // Not announced (cannot happen with our writers): report it as it comes.
      if (failure == null) {
        next.commandApplied(command);
      } else {
        next.commandFailed(command, failure);
      }
      return;
    }
    p.replies--;
    if (failure != null && p.failure == null) {
      p.failure = failure;
    }
    release();
  }

  private void release() {
    while (!queue.isEmpty() && queue.peek().replies <= 0) {
      Pending p = queue.poll();
      byCommand.remove(p.command);
      if (p.failure == null) {
        next.commandApplied(p.command);
      } else {
        next.commandFailed(p.command, p.failure);
      }
    }
  }
}
