package io.github.rediskeysmigrator.core;

import java.nio.charset.StandardCharsets;

/** Renders binary key names for humans: printable ASCII as is, everything else escaped. */
public final class KeyNames {
  private KeyNames() {}

  /** The key as redis-cli would quote it, without the quotes; never throws on odd bytes. */
  public static String printable(byte[] key) {
    StringBuilder sb = new StringBuilder(key.length + 8);
    for (byte b : key) {
      int c = b & 0xff;
      if (c == '\\' || c == '"') {
        sb.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.toString();
  }

  /** A key given on the command line or in a test, as bytes. */
  public static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
