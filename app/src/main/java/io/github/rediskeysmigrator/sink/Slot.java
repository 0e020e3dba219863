package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.KeyEvent;
import java.util.List;

/**
 * What the reply in one position of a pipeline is booked by: each command a writer sends has one
 * slot, and the writer books a reply by pattern matching over these cases ({@link PipelinedWriter},
 * {@link Recovery}, {@link KeyRewrites}), a closed set: no slot is an untyped {@code Object} any
 * more. (A {@code switch} over them waits for Java 21's patterns in switch; the build targets 17.)
 */
sealed interface Slot {

  /** The RESTORE of a key. */
  record Restore(KeyEvent event) implements Slot {}

  /** A live command, as the source sent it (or as translated for the destination). */
  record Live(CommandEvent command) implements Slot {}

  /**
   * A command of ours that stands for no key (MULTI, SELECT, ASKING, the checkpoint SET): its reply
   * is checked, not booked.
   *
   * @param what the command's name
   */
  record Control(String what) implements Slot {}

  /**
   * Our EXEC ({@link AtomicBatches}), with everything queued since our MULTI, in order: {@link
   * Live} commands, {@link Control} SELECTs and SETs, and {@link Folded} source MULTIs and EXECs.
   */
  record Exec(List<Slot> queued) implements Slot {}

  /**
   * A source MULTI or EXEC folded into our own transaction: it is not sent, so it has no reply of
   * its own, and is applied when our transaction commits.
   */
  record Folded(CommandEvent command) implements Slot {}

  /**
   * Whether {@code a} and {@code b} stand for the same key or live command sent (a slot is made
   * anew each time its key or command is sent, e.g. again after a reconnect), or are the same slot.
   */
  static boolean sameItem(Slot a, Slot b) {
    if (a instanceof Restore x && b instanceof Restore y) {
      return x.event() == y.event();
    }
    if (a instanceof Live x && b instanceof Live y) {
      return x.command() == y.command();
    }
    return a == b;
  }

  /** A slot of a key rewritten as plain commands ({@link KeyRewrites}). */
  sealed interface OfRewrite extends Slot {
    /** The rewritten key the slot belongs to. */
    KeyRewrites.Rewrite rewrite();
  }

  /** One of the commands that build a rewritten key; {@code last} is the last of them. */
  record Step(
      KeyRewrites.Rewrite rewrite, byte[] command, RewriteCommands.Expect expect, boolean last)
      implements OfRewrite {}

  /** RENAME or RENAMENX of a rewritten key's temporary key. */
  record Rename(KeyRewrites.Rewrite rewrite) implements OfRewrite {}

  /** DEL of a temporary key that is not renamed into place. */
  record Cleanup(KeyRewrites.Rewrite rewrite) implements OfRewrite {}
}
