package io.github.rediskeysmigrator.testing;

/** Byte arrays written as numbers in tests, where a key or an encoding is not text. */
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
}
