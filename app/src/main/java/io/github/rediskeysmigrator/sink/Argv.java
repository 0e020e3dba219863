package io.github.rediskeysmigrator.sink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Reading and building the argument vectors of commands ({@link LiveTranslation}'s tools). */
final class Argv {
  private Argv() {}

  /**
   * The {@code per * n} arguments after the count n at {@code countAt} (after a FIELDS there, if
   * any), or null when they are not all there or, with {@code last}, do not end the command.
   */
  static byte[][] counted(byte[][] argv, int countAt, int per, boolean last) {
    int from = upper(argv[countAt]).equals("FIELDS") ? countAt + 1 : countAt;
    if (from >= argv.length) {
      return null;
    }
    long n = number(argv[from]);
    long end = from + 1 + n * per;
    if (n <= 0 || end > argv.length || (last && end != argv.length)) {
      return null;
    }
    return Arrays.copyOfRange(argv, from + 1, (int) end);
  }

  /** {@code argv} without the arguments at the indexes {@code drop} ({@code argv} if none). */
  static byte[][] without(byte[][] argv, List<Integer> drop) {
    if (drop.isEmpty()) {
      return argv;
    }
    byte[][] out = new byte[argv.length - drop.size()][];
    int o = 0;
    for (int i = 0; i < argv.length; i++) {
      if (!drop.contains(i)) {
        out[o++] = argv[i];
      }
    }
    return out;
  }

  /** {@code head} then {@code tail}. */
  static byte[][] concat(byte[][] head, byte[][] tail) {
    byte[][] out = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }

  /** The argument as a number, or -1 when it is not one. */
  static long number(byte[] b) {
    try {
      return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code s} in UTF-8. */
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The argument in upper case (a command name or keyword). */
  static String upper(byte[] b) {
    return new String(b, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
  }
}
