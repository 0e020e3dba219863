package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;

/** Follows the source's own MULTI ... EXEC (or DISCARD) through a stream of live commands. */
final class SourceTransaction {
  private boolean open;

  /** Whether a source transaction is open (before the command last noted, if it opened one). */
  boolean open() {
    return open;
  }

  /**
   * Notes {@code command}: MULTI opens a transaction, EXEC and DISCARD close it.
   *
   * @return whether {@code command} is inside a transaction or opens one
   */
  boolean note(CommandEvent command) {
    String name = command.name();
    boolean inside = open || name.equals("MULTI");
    if (name.equals("MULTI")) {
      open = true;
    } else if (name.equals("EXEC") || name.equals("DISCARD")) {
      open = false;
    }
    return inside;
  }
}
