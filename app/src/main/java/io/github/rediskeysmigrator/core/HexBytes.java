package io.github.rediskeysmigrator.core;

import java.util.HexFormat;

/**
 * Bytes given as hex digits on the command line ({@code --match-hex}, {@code --rename-prefix-hex}):
 * the one form that carries any byte through the JVM, which decodes its arguments and environment
 * by the locale and turns a byte that is not valid UTF-8 into U+FFFD.
 */
public final class HexBytes {
  /** What the JVM makes of a byte that is not valid UTF-8 in an argument. */
  private static final char REPLACEMENT = '\uFFFD';

  private HexBytes() {}

  /**
   * The bytes of {@code hex} (pairs of digits, either case, nothing else).
   *
   * @throws IllegalArgumentException naming {@code option} when it is not that
   */
  public static byte[] parse(String option, String hex) {
    if (hex.length() % 2 != 0) {
      throw new IllegalArgumentException(
          option + " '" + hex + "' is not hex: an odd number of digits (two per byte)");
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          option + " '" + hex + "' is not hex: only 0-9 and a-f, two digits per byte", e);
    }
  }

  /**
   * Checks that a text argument arrived whole: one with U+FFFD held a byte that is not valid UTF-8,
   * which the JVM has already replaced, so it would select other keys than the ones meant.
   *
   * @throws IllegalArgumentException saying so, with the hex form to give instead
   */
  public static void requireUndamaged(String option, String hexOption, String text) {
    if (text.indexOf(REPLACEMENT) < 0) {
      return;
    }
    StringBuilder hex = new StringBuilder();
    text.codePoints()
        .forEach(
            c ->
                hex.append(
                    c == REPLACEMENT
                        ? "??"
                        : HexFormat.of()
                            .formatHex(
                                Character.toString(c)
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    throw new IllegalArgumentException(
        option
            + " has a byte that is not valid UTF-8, which the JVM received as U+FFFD: give it as"
            + " bytes with "
            + hexOption
            + " (here "
            + hex
            + ", with each ?? the byte you meant)");
  }
}
