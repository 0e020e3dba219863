package io.github.rediskeysmigrator.rdb;

/**
 * Repairs one harmless quirk of zipmaps, the hash encoding of RDB files before version 4. A
 * zipmap's first byte counts its entries, and any value from 254 up means "too many to count here,
 * walk the entries" to the zipmap code of every Redis version. Some writers put 255 there. Redis
 * 6.2 and later check payloads on RESTORE and want exactly 254 or the real count, so they refuse
 * such a value with "Bad data format", although it reads the same either way. We write 254.
 */
public final class Zipmaps {
  private static final int BIGLEN = 254;
  private static final int FOOTER = 10;

  private Zipmaps() {}

  /**
   * {@code payload} with its zipmap's count byte set to 254 (and the checksum made anew) when it
   * was 255; the same array otherwise, also for a compressed zipmap, which is left alone.
   */
  public static byte[] normalizeCount(byte[] payload) {
    if (payload.length < 3 + FOOTER || (payload[0] & 0xff) != RdbTypes.HASH_ZIPMAP) {
      return payload;
    }
    int first = payload[1] & 0xff;
    int header =
        switch (first >> 6) {
          case 0 -> 1;
          case 1 -> 2;
          case 2 -> first == 0x80 ? 5 : first == 0x81 ? 9 : -1;
          default -> -1; // LZF or an integer: not touched
        };
    int at = 1 + header;
    if (header < 0 || at >= payload.length - FOOTER || (payload[at] & 0xff) != 0xff) {
      return payload;
    }
    byte[] fixed = payload.clone();
    fixed[at] = (byte) BIGLEN;
    int body = fixed.length - 8;
    long sum = Crc64.update(0, fixed, 0, body);
    for (int i = 0; i < 8; i++) {
      fixed[body + i] = (byte) (sum >>> (8 * i));
    }
    return fixed;
  }
}
