package io.github.rediskeysmigrator.core;

/** Learns what the destination did with each key. */
public interface WriteListener {
  /** The key was written with RESTORE. */
  void written(KeyEvent event);

  /**
   * The key was written as plain commands, rebuilt from its payload for a destination too old to
   * RESTORE it.
   */
  void rewritten(KeyEvent event);

  /**
   * The key turned out to have expired while it was rewritten: a hash whose every field had passed
   * its TTL.
   */
  void expired(KeyEvent event);

  /** The key existed at the destination and was left alone (policy skip or fail). */
  void existed(KeyEvent event);

  /** The destination rejected the key: its typed reply, or our explanation. */
  void failed(KeyEvent event, WriteFailure failure);

  /**
   * The key failed because of a fault that stops the whole run (the connection lost and not
   * regained, a read-only destination): it is an error like {@link #failed}, but the fault, not the
   * key, is the run's stop reason, so it does not count towards --max-errors.
   */
  default void lost(KeyEvent event, WriteFailure failure) {
    failed(event, failure);
  }

  /**
   * The key about to be booked as failed is of a type the destination cannot hold at all ({@code
   * type}, e.g. {@code vectorset}): counted per type as well.
   */
  default void typeNotHeld(String type) {}

  /**
   * The destination's reply to a live command that reads or changes a TTL says that it found no
   * such key, or not the TTL the source had (told before the command is booked as applied).
   */
  default void keyMissing(CommandEvent command) {}

  /** The destination applied a live command (any reply but an error). */
  void commandApplied(CommandEvent command);

  /** The destination answered a live command with an error. */
  void commandFailed(CommandEvent command, WriteFailure failure);
}
