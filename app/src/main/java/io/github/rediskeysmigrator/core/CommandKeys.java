package io.github.rediskeysmigrator.core;

import java.util.List;

/** Knows which arguments of a live command are keys, and which data type it works on. */
public interface CommandKeys {
  /** The key arguments of {@code argv}; empty for keyless commands (FLUSHDB, FUNCTION, ...). */
  List<byte[]> keys(byte[][] argv);

  /**
   * The indexes in {@code argv} of its key arguments, in order (empty for a keyless command), or
   * null when they cannot be located: a command this table does not know, or one whose keys depend
   * on its arguments in a way that cannot be read from them.
   */
  default int[] keyIndexes(byte[][] argv) {
    return null;
  }

  /** The data type the command works on, or null for commands on any type (DEL, EXPIRE, ...). */
  KeyType type(byte[][] argv);

  /** For sources without live commands. */
  CommandKeys NONE =
      new CommandKeys() {
        @Override
        public List<byte[]> keys(byte[][] argv) {
          return List.of();
        }

        @Override
        public int[] keyIndexes(byte[][] argv) {
          return new int[0];
        }

        @Override
        public KeyType type(byte[][] argv) {
          return null;
        }
      };
}
