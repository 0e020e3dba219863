package io.github.rediskeysmigrator.aof;

/** One thing an append-only file holds, in file order: a command or a timestamp annotation. */
public sealed interface AofEntry {

  /** The byte offset in its file where the entry starts. */
  long offset();

  /**
   * A command as Redis logged it (a write, or SELECT, MULTI, EXEC).
   *
   * @param argv the command name and its arguments, as bytes
   * @param offset where it starts in its file
   * @param end where it ends (the offset of what follows)
   */
  record Command(byte[][] argv, long offset, long end) implements AofEntry {
    /** The command name in upper case, e.g. {@code SET}. */
    public String name() {
      return new String(argv[0], java.nio.charset.StandardCharsets.US_ASCII)
          .toUpperCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A {@code #TS:<unix seconds>} annotation, which Redis writes before the commands of each second
   * when {@code aof-timestamp-enabled} is on.
   */
  record Timestamp(long epochSeconds, long offset) implements AofEntry {}

  /**
   * The file breaks off inside a command that starts at {@code offset}: the tail Redis drops with
   * {@code aof-load-truncated yes}. Nothing follows it.
   */
  record Truncated(long offset) implements AofEntry {}
}
