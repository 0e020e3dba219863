package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ZipmapsTest {
  /** The zipmap of HDT3213/rdb's zipmap_big_len.rdb: count byte 255, two entries. */
  private static final int[] ZIPMAP = {
    0xff, 6, 'M', 'K', 'D', '1', 'G', '6', 1, 0, '2', 5, 'Y', 'N', 'N', 'X', 'K', 4, 0, 'F', '7',
    'T', 'I', 0xff
  };

  /** A DUMP payload of type 9 holding {@code zipmap}, RDB version 3, with its CRC64. */
  private static byte[] payload(int[] zipmap) {
    byte[] p = new byte[2 + zipmap.length + 10];
    p[0] = 9;
    p[1] = (byte) zipmap.length;
    for (int i = 0; i < zipmap.length; i++) {
      p[2 + i] = (byte) zipmap[i];
    }
    p[2 + zipmap.length] = 3;
    long sum = Crc64.update(0, p, 0, p.length - 8);
    for (int i = 0; i < 8; i++) {
      p[p.length - 8 + i] = (byte) (sum >>> (8 * i));
    }
    return p;
  }

  @Test
  void aCountOf255BecomesTheUnknownCount254WithTheChecksumMadeAnew() {
    int[] expected = ZIPMAP.clone();
    expected[0] = 254;
    byte[] fixed = Zipmaps.normalizeCount(payload(ZIPMAP));
    assertArrayEquals(payload(expected), fixed);
    assertEquals(
        Crc64.update(0, fixed, 0, fixed.length - 8),
        java.nio.ByteBuffer.wrap(Arrays.copyOfRange(fixed, fixed.length - 8, fixed.length))
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .getLong());
  }

  @Test
  void otherCountsAndOtherTypesAreLeftAlone() {
    int[] counted = ZIPMAP.clone();
    counted[0] = 2;
    byte[] p = payload(counted);
    assertSame(p, Zipmaps.normalizeCount(p));
    int[] unknown = ZIPMAP.clone();
    unknown[0] = 254;
    p = payload(unknown);
    assertSame(p, Zipmaps.normalizeCount(p));
    p = payload(ZIPMAP);
    p[0] = 13; // a ziplist-encoded hash
    assertSame(p, Zipmaps.normalizeCount(p));
  }
}
