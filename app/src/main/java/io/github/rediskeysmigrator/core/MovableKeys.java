package io.github.rediskeysmigrator.core;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where the keys are in commands whose key positions depend on their arguments (the {@code
 * movablekeys} commands, which {@code COMMAND}'s first/last/step cannot describe): a key count
 * ({@code EVAL}, {@code FCALL}, {@code ZUNIONSTORE}, {@code LMPOP}...), a keyword ({@code SORT ...
 * STORE}, {@code XREAD ... STREAMS}, {@code GEORADIUS ... STORE}) or a form ({@code MIGRATE ...
 * KEYS}).
 */
public final class MovableKeys {
  private MovableKeys() {}

  /**
   * The indexes of the key arguments of {@code argv}, in order, or null when the command is not one
   * of those known here or its arguments do not say where its keys are (a count that is not a
   * number or runs past the end).
   */
  public static int[] indexes(byte[][] argv) {
    String name = upper(argv[0]);
    return switch (name) {
      case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO" -> counted(argv, 2, 0);
      case "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE" -> counted(argv, 2, 1);
      case "ZUNION", "ZINTER", "ZDIFF", "SINTERCARD", "ZINTERCARD", "LMPOP", "ZMPOP" ->
          counted(argv, 1, 0);
      case "BLMPOP", "BZMPOP" -> counted(argv, 2, 0);
      case "SORT", "SORT_RO" -> sort(argv);
      case "XREAD", "XREADGROUP" -> streams(argv);
      case "GEORADIUS", "GEORADIUSBYMEMBER", "GEORADIUS_RO", "GEORADIUSBYMEMBER_RO" ->
          georadius(argv);
      case "MIGRATE" -> migrate(argv);
      case "MSETEX" -> pairs(argv);
      default -> null;
    };
  }

  /** The command name in upper case. */
  static String upper(byte[] arg) {
    return new String(arg, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
  }

  /**
   * Keys counted by {@code argv[countAt]}, right after it; {@code before} is a key that comes first
   * (the destination of ZUNIONSTORE), at index 1.
   */
  private static int[] counted(byte[][] argv, int countAt, int before) {
    if (argv.length <= countAt) {
      return null;
    }
    long n = number(argv[countAt]);
    if (n < 0 || countAt + 1 + n > argv.length) {
      return null;
    }
    int[] out = new int[before + (int) n];
    if (before == 1) {
      out[0] = 1;
    }
    for (int i = 0; i < n; i++) {
      out[before + i] = countAt + 1 + i;
    }
    return out;
  }

  /** MSETEX numkeys key value [key value ...] [options]: the keys of the pairs. */
  private static int[] pairs(byte[][] argv) {
    if (argv.length < 2) {
      return null;
    }
    long n = number(argv[1]);
    if (n <= 0 || 2 + 2 * n > argv.length) {
      return null;
    }
    int[] out = new int[(int) n];
    for (int i = 0; i < n; i++) {
      out[i] = 2 + 2 * i;
    }
    return out;
  }

  /** SORT key [... STORE destination]; BY and GET patterns are not keys here. */
  private static int[] sort(byte[][] argv) {
    if (argv.length < 2) {
      return null;
    }
    for (int i = 2; i < argv.length - 1; i++) {
      String word = upper(argv[i]);
      if (word.equals("STORE")) {
        return new int[] {1, i + 1};
      }
      if (word.equals("BY")) {
        i++;
      } else if (word.equals("GET")) {
        i++;
      } else if (word.equals("LIMIT")) {
        i += 2;
      }
    }
    return new int[] {1};
  }

  /** XREAD[GROUP] ... STREAMS key... id...: the first half of what follows STREAMS. */
  private static int[] streams(byte[][] argv) {
    for (int i = 1; i < argv.length; i++) {
      if (upper(argv[i]).equals("STREAMS")) {
        int rest = argv.length - i - 1;
        if (rest == 0 || rest % 2 != 0) {
          return null;
        }
        int[] out = new int[rest / 2];
        for (int k = 0; k < out.length; k++) {
          out[k] = i + 1 + k;
        }
        return out;
      }
    }
    return null;
  }

  /** GEORADIUS key ... [STORE key] [STOREDIST key]. */
  private static int[] georadius(byte[][] argv) {
    if (argv.length < 2) {
      return null;
    }
    int[] out = {1, -1, -1};
    int n = 1;
    for (int i = 2; i < argv.length - 1; i++) {
      String word = upper(argv[i]);
      if (word.equals("STORE") || word.equals("STOREDIST")) {
        out[n++] = i + 1;
        i++;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH ...] [KEYS key...]. */
  private static int[] migrate(byte[][] argv) {
    if (argv.length < 6) {
      return null;
    }
    for (int i = 6; i < argv.length; i++) {
      String word = upper(argv[i]);
      if (word.equals("AUTH")) {
        i++;
      } else if (word.equals("AUTH2")) {
        i += 2;
      } else if (word.equals("KEYS")) {
        if (argv[3].length != 0) {
          return null;
        }
        int[] out = new int[argv.length - i - 1];
        for (int k = 0; k < out.length; k++) {
          out[k] = i + 1 + k;
        }
        return out;
      }
    }
    return argv[3].length == 0 ? null : new int[] {3};
  }

  private static long number(byte[] arg) {
    try {
      return Long.parseLong(new String(arg, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
