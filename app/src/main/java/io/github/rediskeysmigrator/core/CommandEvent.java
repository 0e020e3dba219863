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
 */
public record CommandEvent(int db, byte[][] argv, String replId, long offset, int sourceDb)
    implements SourceEvent {

  /** A command read from {@code db}, not yet mapped. */
  public static CommandEvent of(int db, byte[][] argv, String replId, long offset) {
    return new CommandEvent(db, argv, replId, offset, db);
  }

  /** The command name in upper case, e.g. {@code SET}. */
  public String name() {
    return new String(argv[0], StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
  }

  /** The same command, to be applied in {@code targetDb}. */
  public CommandEvent inDb(int targetDb) {
    return targetDb == db ? this : new CommandEvent(targetDb, argv, replId, offset, sourceDb);
  }

  /** The same command with other arguments (its keys renamed), at the same place in the stream. */
  public CommandEvent withArgv(byte[][] newArgv) {
    return new CommandEvent(db, newArgv, replId, offset, sourceDb);
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
