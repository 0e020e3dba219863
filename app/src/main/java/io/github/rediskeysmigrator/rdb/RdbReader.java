package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the primitives of RDB data (lengths in their 6, 14, 32 and 64-bit forms, strings plain,
 * int-encoded or LZF-compressed, the two kinds of doubles, fixed-width integers) from a DUMP
 * payload in memory or from a stream, as Redis' rdb.c writes them. Every read is bounded: one that
 * would pass the end throws {@link ArrayIndexOutOfBoundsException}, which the callers report as a
 * truncated payload; a malformed value throws {@link DecodeException}.
 */
abstract class RdbReader {
  /** The first-byte tag of a specially encoded string (the top two bits set). */
  private static final int ENCODED = 3;

  private static final int ENC_INT8 = 0;
  private static final int ENC_INT32 = 2;
  private static final int ENC_LZF = 3;
  private static final int LEN_32BIT = 0x80;
  private static final int LEN_64BIT = 0x81;

  /** A reader of {@code b} from index {@code from} up to (not including) {@code to}. */
  static InMemory of(byte[] b, int from, int to) {
    return new InMemory(b, from, to);
  }

  /** A reader of the next {@code length} bytes of {@code in}; I/O errors arrive unchecked. */
  static RdbReader of(InputStream in, long length) {
    return new RdbStreamReader(in, length);
  }

  /**
   * A reader of the bytes ahead in {@code in}, which it looks at without consuming them (within the
   * stream's buffer); I/O errors arrive unchecked.
   */
  static RdbReader ahead(BoundedRdbInput in) {
    return new RdbLookAhead(in);
  }

  /** Whether a string starting with {@code first} is specially encoded (an integer or LZF). */
  static boolean isEncoded(int first) {
    return first >> 6 == ENCODED;
  }

  /** Whether a string starting with {@code first} is LZF-compressed. */
  static boolean isLzf(int first) {
    return isEncoded(first) && (first & 0x3f) == ENC_LZF;
  }

  /**
   * The bytes of the integer after an int-encoded string's first byte {@code first}.
   *
   * @throws DecodeException for an encoding Redis never writes
   */
  static int intEncodingSize(int first) throws DecodeException {
    int enc = first & 0x3f;
    if (!isEncoded(first) || enc > ENC_INT32) {
      throw new DecodeException("unknown string encoding " + enc);
    }
    return 1 << enc;
  }

  /** The next byte, unsigned. */
  abstract int u8();

  /** The next byte, unsigned, without consuming it. */
  abstract int peek();

  /** The next {@code n} bytes. */
  abstract byte[] bytes(int n);

  /** Passes over the next {@code n} bytes. */
  abstract void skip(long n);

  /** Bytes left before the end. */
  abstract long remaining();

  /** An unsigned little-endian integer of {@code n} bytes (millisecond times, intsets). */
  final long le(int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v |= (long) u8() << (8 * i);
    }
    return v;
  }

  /** A big-endian integer of {@code n} bytes (raw stream ids, long lengths). */
  final long be(int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | u8();
    }
    return v;
  }

  /** An RDB length; an encoded (string) form is not a length here. */
  final long length() throws DecodeException {
    int first = u8();
    switch (first >> 6) {
      case 0 -> {
        return first & 0x3f;
      }
      case 1 -> {
        return ((first & 0x3f) << 8) | u8();
      }
      case 2 -> {
        if (first == LEN_32BIT) {
          return be(4);
        }
        if (first == LEN_64BIT) {
          return be(8);
        }
        throw new DecodeException("corrupt length byte " + first);
      }
      default -> throw new DecodeException("an encoded string where a length belongs");
    }
  }

  /** An RDB string: plain, int-encoded (returned as its decimal text) or LZF-compressed. */
  final byte[] string() throws DecodeException {
    int first = peek();
    if (first >> 6 != ENCODED) {
      long n = length();
      if (n > Integer.MAX_VALUE) {
        throw new DecodeException("a string of " + n + " bytes");
      }
      return bytes((int) n);
    }
    u8();
    return switch (first & 0x3f) {
      case ENC_INT8 -> ascii((byte) u8());
      case 1 -> ascii((short) le(2));
      case ENC_INT32 -> ascii((int) le(4));
      case ENC_LZF -> lzf(Integer.MAX_VALUE);
      default -> throw new DecodeException("unknown string encoding " + (first & 0x3f));
    };
  }

  /**
   * The first {@code max} bytes of the next string (all of it when shorter), passing over the rest;
   * null for an int-encoded string, which is no blob. A compressed string longer than {@code max}
   * is passed over without decompressing and reads as empty. For the checks that look at the header
   * of a ziplist, listpack, intset or zipmap without copying the whole of it.
   */
  final byte[] blob(int max) throws DecodeException {
    int first = peek();
    if (first >> 6 != ENCODED) {
      long n = length();
      if (n > remaining()) {
        throw new ArrayIndexOutOfBoundsException("a string of " + n + " bytes passes the end");
      }
      byte[] out = bytes((int) Math.min(n, max));
      skip(n - out.length);
      return out;
    }
    u8();
    if (isLzf(first)) {
      return lzf(max);
    }
    skip(intEncodingSize(first)); // an 8, 16 or 32-bit integer
    return null;
  }

  /** An LZF string after its tag; one that expands past {@code max} bytes is passed over. */
  private byte[] lzf(int max) throws DecodeException {
    long compressed = length();
    long plain = length();
    if (compressed > remaining()) {
      throw new ArrayIndexOutOfBoundsException("a compressed string passes the end");
    }
    if (plain > max) {
      skip(compressed);
      return new byte[0];
    }
    if (plain > Integer.MAX_VALUE || plain > Lzf.maxExpansion(compressed)) {
      throw new DecodeException("corrupt LZF string of " + plain + " bytes from " + compressed);
    }
    return Lzf.decompress(bytes((int) compressed), (int) plain);
  }

  /** A score of the old zset type: length byte, then text; 253 nan, 254 inf, 255 -inf. */
  final double textDouble() throws DecodeException {
    int n = u8();
    return switch (n) {
      case 253 -> Double.NaN;
      case 254 -> Double.POSITIVE_INFINITY;
      case 255 -> Double.NEGATIVE_INFINITY;
      default -> score(bytes(n));
    };
  }

  /** A score of the second zset type: an IEEE 754 double, little endian. */
  final double binaryDouble() {
    return Double.longBitsToDouble(le(8));
  }

  /** {@code v} as decimal text, as Redis turns an integer encoding back into a string. */
  static byte[] ascii(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  /** Parses a score as Redis writes it in text: a decimal, inf, -inf (or +inf, nan). */
  static double score(byte[] text) throws DecodeException {
    String s = new String(text, StandardCharsets.US_ASCII);
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "inf", "+inf", "infinity", "+infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan", "-nan" -> {
        return Double.NaN;
      }
      default -> {
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw new DecodeException("corrupt zset score '" + s + "'");
        }
      }
    }
  }

  /** A byte range in memory. */
  static final class InMemory extends RdbReader {
    private final byte[] b;
    private int pos;
    private final int end;

    private InMemory(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    /** The index of the next byte to read. */
    int position() {
      return pos;
    }

    @Override
    int u8() {
      if (pos >= end) {
        throw new ArrayIndexOutOfBoundsException(pos);
      }
      return b[pos++] & 0xff;
    }

    @Override
    int peek() {
      if (pos >= end) {
        throw new ArrayIndexOutOfBoundsException(pos);
      }
      return b[pos] & 0xff;
    }

    @Override
    byte[] bytes(int n) {
      if (n < 0 || n > end - pos) {
        throw new ArrayIndexOutOfBoundsException(pos + n);
      }
      byte[] out = Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
    }

    @Override
    void skip(long n) {
      if (n < 0 || n > end - pos) {
        throw new ArrayIndexOutOfBoundsException("past the end by " + (n - (end - pos)));
      }
      pos += (int) n;
    }

    @Override
    long remaining() {
      return end - pos;
    }
  }
}
