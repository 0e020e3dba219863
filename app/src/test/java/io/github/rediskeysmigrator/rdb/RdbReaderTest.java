package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.moilioncircle.redis.replicator.util.ByteArray;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RdbReaderTest {
  private static RdbReader of(byte[] b) {
    return RdbReader.of(b, 0, b.length);
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** An LZF string as RDB writes it: 0xc3, compressed length, plain length, compressed bytes. */
  private static byte[] lzfString(byte[] plain) {
    ByteArray out = new ByteArray(plain.length * 2L + 16);
    long n =
        com.moilioncircle.redis.replicator.util.Lzf.encode(
            new ByteArray(plain), plain.length, out, 0);
    byte[] compressed = Arrays.copyOf(out.first(), (int) n);
    return cat(
        new byte[] {(byte) 0xc3},
        RdbEncoding.length(compressed.length),
        RdbEncoding.length(plain.length),
        compressed);
  }

  @Test
  void readsLengthsInEachOfTheirFourForms() throws Exception {
    for (long len : new long[] {0, 63, 64, 16383, 16384, 0xffffffffL, 0x100000000L}) {
      assertEquals(len, of(RdbEncoding.length(len)).length(), "length " + len);
    }
    assertThrows(PayloadDecoder.DecodeException.class, () -> of(new byte[] {(byte) 0x82}).length());
    assertThrows(PayloadDecoder.DecodeException.class, () -> of(new byte[] {(byte) 0xc0}).length());
  }

  @Test
  void readsStringsPlainIntEncodedAndCompressed() throws Exception {
    byte[] text =
        "a value that repeats, a value that repeats, a value that repeats"
            .getBytes(StandardCharsets.US_ASCII);
    RdbReader r =
        of(
            cat(
                RdbEncoding.string("abc".getBytes(StandardCharsets.US_ASCII)),
                new byte[] {(byte) 0xc0, (byte) 0xfe}, // int8 -2
                new byte[] {(byte) 0xc1, 0x39, 0x30}, // int16 12345
                new byte[] {(byte) 0xc2, 0, 0, 0, (byte) 0x80}, // int32 -2^31
                lzfString(text)));
    assertEquals("abc", new String(r.string(), StandardCharsets.US_ASCII));
    assertEquals("-2", new String(r.string(), StandardCharsets.US_ASCII));
    assertEquals("12345", new String(r.string(), StandardCharsets.US_ASCII));
    assertEquals("-2147483648", new String(r.string(), StandardCharsets.US_ASCII));
    assertArrayEquals(text, r.string());
    assertEquals(0, r.remaining());
  }

  @Test
  void aBlobIsCutAtItsMaximumAndAnIntegerIsNoBlob() throws Exception {
    byte[] text = "0123456789".repeat(20).getBytes(StandardCharsets.US_ASCII);
    RdbReader r =
        of(
            cat(
                RdbEncoding.string(text),
                new byte[] {(byte) 0xc1, 1, 2},
                lzfString(text),
                RdbEncoding.string(new byte[] {7})));
    assertArrayEquals(Arrays.copyOf(text, 11), r.blob(11));
    assertNull(r.blob(11));
    assertArrayEquals(new byte[0], r.blob(11), "a longer compressed blob is not expanded");
    assertArrayEquals(new byte[] {7}, r.blob(11));
    assertEquals(0, r.remaining());
  }

  @Test
  void aReadPastTheEndIsATruncation() {
    byte[] cut = Arrays.copyOf(RdbEncoding.string(new byte[100]), 50);
    assertThrows(ArrayIndexOutOfBoundsException.class, () -> of(cut).string());
    assertThrows(ArrayIndexOutOfBoundsException.class, () -> of(cut).blob(10));
    RdbReader fromStream = RdbReader.of(new ByteArrayInputStream(cut), cut.length);
    assertThrows(ArrayIndexOutOfBoundsException.class, fromStream::string);
  }

  @Test
  void aStreamReaderReadsWhatTheMemoryReaderReads() throws Exception {
    byte[] data = cat(RdbEncoding.length(300), lzfString("xyz".repeat(50).getBytes()));
    RdbReader r = RdbReader.of(new ByteArrayInputStream(data), data.length);
    assertEquals(300, r.length());
    assertArrayEquals("xyz".repeat(50).getBytes(), r.string());
    assertEquals(0, r.remaining());
  }

  @Test
  void scoresInTextIncludeInfinities() throws Exception {
    assertEquals(Double.POSITIVE_INFINITY, RdbReader.score("inf".getBytes()));
    assertEquals(Double.NEGATIVE_INFINITY, RdbReader.score("-inf".getBytes()));
    assertEquals(1.5, RdbReader.score("1.5".getBytes()));
    assertThrows(PayloadDecoder.DecodeException.class, () -> RdbReader.score("x".getBytes()));
  }
}
