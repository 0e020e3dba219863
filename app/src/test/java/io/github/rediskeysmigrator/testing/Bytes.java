package io.github.rediskeysmigrator.testing;

import java.nio.charset.StandardCharsets;

/**
 * Byte arrays written as numbers in tests, where a key or an encoding is not text, and commands
 * written as words.
 */
public final class Bytes {
  private Bytes() {}

  /** The bytes whose unsigned (or signed) values are {@code values}. */
  public static byte[] of(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /** A command's arguments, {@code words} in UTF-8, as the tool holds them. */
  public static byte[][] argv(String... words) {
    byte[][] a = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      a[i] = words[i].getBytes(StandardCharsets.UTF_8);
    }
    return a;
  }
}
