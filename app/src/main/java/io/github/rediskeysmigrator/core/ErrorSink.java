package io.github.rediskeysmigrator.core;

/** Records keys that failed, for the user to inspect after the run. */
public interface ErrorSink {
  /** Records that {@code event} could not be migrated because of {@code reason}. */
  void keyFailed(KeyEvent event, String reason);

  /**
   * Records that {@code event} was migrated without something the destination cannot hold ({@code
   * note} says what): not an error, but never silent.
   */
  void keyNote(KeyEvent event, String note);

  /** Records that a live command was refused by the destination. */
  default void commandFailed(CommandEvent command, String reason) {
    otherFailed(
        "command "
            + command.name()
            + " (db "
            + command.sourceDb()
            + ", offset "
            + command.offset()
            + ")",
        reason);
  }

  /** Records that something other than a key (a function library) could not be migrated. */
  void otherFailed(String what, String reason);
}
