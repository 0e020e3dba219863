package io.github.rediskeysmigrator.rdb;

/** Lengths and strings as RDB files and DUMP payloads encode them. */
public final class RdbEncoding {
  private RdbEncoding() {}

  /** {@code len} in 6, 14, 32 or 64 bits (big endian after the first byte). */
  public static byte[] length(long len) {
    if (len < 0) {
      throw new IllegalArgumentException("negative length " + len);
    }
    if (len < 64) {
      return new byte[] {(byte) len};
    }
    if (len < 16384) {
      return new byte[] {(byte) (0x40 | (len >>> 8)), (byte) len};
    }
    int bytes = len <= 0xffffffffL ? 4 : 8;
    byte[] out = new byte[1 + bytes];
    out[0] = (byte) (bytes == 4 ? 0x80 : 0x81);
    for (int i = 0; i < bytes; i++) {
      out[1 + i] = (byte) (len >>> (8 * (bytes - 1 - i)));
    }
    return out;
  }

  /** {@code v} in 8 bytes, little endian, as RDB writes millisecond times and the CRC64. */
  public static byte[] int64(long v) {
    byte[] out = new byte[8];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (v >>> (8 * i));
    }
    return out;
  }

  /** {@code s} as a plain string: its length, then its bytes. */
  public static byte[] string(byte[] s) {
    byte[] len = length(s.length);
    byte[] out = new byte[len.length + s.length];
    System.arraycopy(len, 0, out, 0, len.length);
    System.arraycopy(s, 0, out, len.length, s.length);
    return out;
  }
}
