package io.github.rediskeysmigrator.testing;

/**
 * The text of AOF files for the AOF unit tests: commands as RESP arrays, and the sample the tests
 * of the AOF source and of the AOF cut share.
 */
public final class AofText {
  /**
   * At #TS:100 SET a 1 in db 0 and SET b 2 in db 2, at #TS:101 a MULTI block of one INCR (in db 2).
   */
  public static final String TWO_DBS_AND_A_TRANSACTION =
      "#TS:100\r\n"
          + command("SELECT", "0")
          + command("SET", "a", "1")
          + command("SELECT", "2")
          + command("SET", "b", "2")
          + "#TS:101\r\n"
          + command("MULTI")
          + command("INCR", "n")
          + command("EXEC");

  /** At #TS:105 a FLUSHALL, then SET c 3. */
  public static final String FLUSHALL_AT_105 =
      "#TS:105\r\n" + command("FLUSHALL") + command("SET", "c", "3");

  private AofText() {}

  /** {@code args} as one RESP array (ASCII arguments: a bulk's length is its character count). */
  public static String command(String... args) {
    StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
    for (String a : args) {
      sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }
}
