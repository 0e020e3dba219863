package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Checks {@link Crc64} against Redis's crc64 test vectors and a bit-by-bit reference. */
class Crc64Test {
  private static final long POLY = 0x95ac9329ac4bc9b5L;

  /** The textbook reflected CRC, one bit at a time: slow, obviously right. */
  private static long reference(byte[] b, int off, int len) {
    long crc = 0;
    for (int i = off; i < off + len; i++) {
      crc ^= b[i] & 0xffL;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY : crc >>> 1;
      }
    }
    return crc;
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void givesRedisCheckValueForDigits() {
    // src/crc64.c, crc64Test: crc64(0, "123456789", 9) == e9c6d914c4b8d9ca.
    assertEquals(0xe9c6d914c4b8d9caL, Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void givesRedisCheckValueForLoremIpsumWithItsNul() {
    // src/crc64.c, crc64Test: the sizeof() of a C string literal counts its terminating NUL.
    String li =
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed "
            + "do eiusmod tempor incididunt ut labore et dolore magna "
            + "aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
            + "ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis "
            + "aute irure dolor in reprehenderit in voluptate velit esse "
            + "cillum dolore eu fugiat nulla pariatur. Excepteur sint "
            + "occaecat cupidatat non proident, sunt in culpa qui officia "
            + "deserunt mollit anim id est laborum.\0";
    assertEquals(0xc7794709e69683b3L, Crc64.of(li.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void emptyInputGivesZero() {
    assertEquals(0L, Crc64.of(new byte[0]));
    assertEquals(0x1234L, Crc64.update(0x1234L, new byte[8], 3, 0));
  }

  @Test
  void combinedPartsEqualTheWhole() {
    byte[] b = randomBytes(5000, 7);
    long whole = Crc64.of(b);
    for (int cut : new int[] {0, 1, 7, 8, 9, 100, 2500, 4999, 5000}) {
      long a = Crc64.update(0, b, 0, cut);
      long rest = Crc64.update(0, b, cut, b.length - cut);
      assertEquals(whole, Crc64.combine(a, rest, b.length - cut), () -> "cut at " + cut);
    }
  }

  @Test
  void updateInPiecesEqualsWhole() {
    byte[] data = randomBytes(1000, 7);
    long whole = Crc64.of(data);
    for (int cut1 = 0; cut1 <= data.length; cut1 += 37) {
      for (int cut2 = cut1; cut2 <= data.length; cut2 += 53) {
        long crc = Crc64.update(0, data, 0, cut1);
        crc = Crc64.update(crc, data, cut1, cut2 - cut1);
        crc = Crc64.update(crc, data, cut2, data.length - cut2);
        assertEquals(whole, crc, "cut at " + cut1 + " and " + cut2);
      }
    }
  }

  @Test
  void byteByByteEqualsWhole() {
    byte[] data = randomBytes(300, 11);
    long crc = 0;
    for (int i = 0; i < data.length; i++) {
      crc = Crc64.update(crc, data, i, 1);
    }
    assertEquals(Crc64.of(data), crc);
  }

  @Test
  void slicedAndTailPathsAgreeWithBitByBitReferenceForEveryLengthUpTo64() {
    byte[] data = randomBytes(64 + 16, 3);
    for (int len = 0; len <= 64; len++) {
      for (int off = 0; off < 16; off += 5) {
        assertEquals(
            reference(data, off, len),
            Crc64.update(0, data, off, len),
            "length " + len + " at offset " + off);
      }
      assertEquals(reference(data, 0, len), Crc64.of(Arrays.copyOf(data, len)), "length " + len);
    }
  }

  @Test
  void highBytesAreNotSignExtended() {
    byte[] data = new byte[64];
    Arrays.fill(data, (byte) 0xff);
    for (int len = 0; len <= 64; len++) {
      assertEquals(reference(data, 0, len), Crc64.update(0, data, 0, len), "length " + len);
    }
  }

  @Test
  void agreesWithReferenceOnALargeRandomBuffer() {
    byte[] data = randomBytes(1 << 16, 5);
    assertEquals(reference(data, 0, data.length), Crc64.of(data));
  }
}
