package io.github.rediskeysmigrator.rdb;

/**
 * Redis's CRC-64 (Jones polynomial, reflected, no final xor), as stamped at the end of RDB files
 * and DUMP payloads. Slicing-by-8 over eight flat tables keeps the pre-check of a large file and
 * the sealing of every payload cheap.
 */
public final class Crc64 {
  private static final long POLY = 0x95ac9329ac4bc9b5L;
  private static final long[] T0 = new long[256];
  private static final long[] T1 = new long[256];
  private static final long[] T2 = new long[256];
  private static final long[] T3 = new long[256];
  private static final long[] T4 = new long[256];
  private static final long[] T5 = new long[256];
  private static final long[] T6 = new long[256];
  private static final long[] T7 = new long[256];

  static {
    long[][] t = {T0, T1, T2, T3, T4, T5, T6, T7};
    for (int n = 0; n < 256; n++) {
      long crc = n;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY : crc >>> 1;
      }
      T0[n] = crc;
    }
    for (int n = 0; n < 256; n++) {
      long crc = T0[n];
      for (int k = 1; k < 8; k++) {
        crc = T0[(int) (crc & 0xff)] ^ (crc >>> 8);
        t[k][n] = crc;
      }
    }
  }

  private Crc64() {}

  /** Continues {@code crc} over {@code len} bytes of {@code b} from {@code off}. */
  public static long update(long crc, byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (end - i >= 8) {
      crc ^=
          (b[i] & 0xffL)
              | (b[i + 1] & 0xffL) << 8
              | (b[i + 2] & 0xffL) << 16
              | (b[i + 3] & 0xffL) << 24
              | (b[i + 4] & 0xffL) << 32
              | (b[i + 5] & 0xffL) << 40
              | (b[i + 6] & 0xffL) << 48
              | (b[i + 7] & 0xffL) << 56;
      crc =
          T7[(int) crc & 0xff]
              ^ T6[(int) (crc >>> 8) & 0xff]
              ^ T5[(int) (crc >>> 16) & 0xff]
              ^ T4[(int) (crc >>> 24) & 0xff]
              ^ T3[(int) (crc >>> 32) & 0xff]
              ^ T2[(int) (crc >>> 40) & 0xff]
              ^ T1[(int) (crc >>> 48) & 0xff]
              ^ T0[(int) (crc >>> 56)];
      i += 8;
    }
    while (i < end) {
      crc = T0[(int) (crc ^ b[i]) & 0xff] ^ (crc >>> 8);
      i++;
    }
    return crc;
  }

  /**
   * Seals a DUMP payload whose type byte and body fill {@code buf[0, end)}: writes {@code
   * rdbVersion} (two bytes, little-endian) at {@code end} and the CRC64 of everything before the
   * checksum after it; {@code buf} must have the 10 footer bytes from {@code end} on.
   */
  public static void seal(byte[] buf, int end, int rdbVersion) {
    buf[end] = (byte) rdbVersion;
    buf[end + 1] = (byte) (rdbVersion >>> 8);
    long sum = update(0, buf, 0, end + 2);
    for (int i = 0; i < 8; i++) {
      buf[end + 2 + i] = (byte) (sum >>> (8 * i));
    }
  }

  /**
   * The CRC of A followed by B, from {@code crcA} (of A), {@code crcB} (of B, started at 0) and B's
   * length: CRC64 without initial value or final xor is linear, so A's CRC is carried over {@code
   * lengthB} zero bytes by squaring the one-zero-bit operator, as zlib's crc32_combine does. Lets
   * parts of a file be checked in parallel.
   */
  public static long combine(long crcA, long crcB, long lengthB) {
    if (lengthB <= 0) {
      return crcA ^ crcB;
    }
    long[] even = new long[64];
    long[] odd = new long[64];
    // The operator for one zero bit: shift right, and xor the polynomial when the low bit was set.
    odd[0] = POLY;
    long row = 1;
    for (int n = 1; n < 64; n++) {
      odd[n] = row;
      row <<= 1;
    }
    square(even, odd); // two zero bits
    square(odd, even); // four zero bits
    long crc = crcA;
    long len = lengthB;
    do {
      square(even, odd); // first time: eight zero bits, one byte
      if ((len & 1) != 0) {
        crc = times(even, crc);
      }
      len >>>= 1;
      if (len == 0) {
        break;
      }
      square(odd, even);
      if ((len & 1) != 0) {
        crc = times(odd, crc);
      }
      len >>>= 1;
    } while (len != 0);
    return crc ^ crcB;
  }

  private static long times(long[] matrix, long vector) {
    long sum = 0;
    for (int i = 0; vector != 0; i++, vector >>>= 1) {
      if ((vector & 1) != 0) {
        sum ^= matrix[i];
      }
    }
    return sum;
  }

  private static void square(long[] square, long[] matrix) {
    for (int n = 0; n < 64; n++) {
      square[n] = times(matrix, matrix[n]);
    }
  }

  /** The CRC of a whole array. */
  public static long of(byte[] b) {
    return update(0, b, 0, b.length);
  }
}
