package io.github.rediskeysmigrator.core;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A write command the source propagated to its replicas, to be applied at the destination in order.
 *
 * @param db the database it applies to (after mapping: the destination db once mapped)
 * @param argv the command and its arguments, as sent by the source
 * @param replId the replication id of the stream it came from
 * @param offset the replication offset just after this command
 * @param sourceDb the database it was read from
 * @param completedByNext the next event completes this one, and a stop waits for it: a live
 *     re-read's DEL is followed by the key's new value, and the DEL alone would lose the key
 */
public record CommandEvent(
    int db, byte[][] argv, String replId, long offset, int sourceDb, boolean completedByNext)
    implements SourceEvent {

  /** A command that stands alone. */
  public CommandEvent(int db, byte[][] argv, String replId, long offset, int sourceDb) {
    this(db, argv, replId, offset, sourceDb, false);
  }

  /** A command read from {@code db}, not yet mapped. */
  public static CommandEvent of(int db, byte[][] argv, String replId, long offset) {
    return new CommandEvent(db, argv, replId, offset, db);
  }

  /**
   * {@code DEL key} in {@code db} ahead of the key's new value, which comes next: the two are
   * applied together or not at all.
   */
  public static CommandEvent clearing(int db, byte[] del, byte[] key) {
    return new CommandEvent(db, new byte[][] {del, key}, "", 0, db, true);
  }

  /** The command name in upper case, e.g. {@code SET}. */
  public String name() {
    return new String(argv[0], StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
  }

  /** The same command, to be applied in {@code targetDb}. */
  public CommandEvent inDb(int targetDb) {
    return targetDb == db
        ? this
        : new CommandEvent(targetDb, argv, replId, offset, sourceDb, completedByNext);
  }

  /** The same command with other arguments (its keys renamed), at the same place in the stream. */
  public CommandEvent withArgv(byte[][] newArgv) {
    return new CommandEvent(db, newArgv, replId, offset, sourceDb, completedByNext);
  }

  @Override
  public long weight() {
    long w = 64;
    for (byte[] a : argv) {
      w += a.length + 16;
    }
    return w;
  }
}
