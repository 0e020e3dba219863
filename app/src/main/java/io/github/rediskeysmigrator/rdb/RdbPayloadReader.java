package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.util.ByteArray;
import com.moilioncircle.redis.replicator.util.Lzf;
import java.util.Arrays;

/**
 * Reads RDB lengths and strings from a DUMP payload held in memory, for the checks that look into a
 * value before it is sent. Every read is bounded by the payload: one that would pass its end throws
 * {@link IndexOutOfBoundsException}, a malformed length {@link IllegalArgumentException}.
 */
final class RdbPayloadReader {
  /** LZF expands at most ~88 times (a 3-byte back reference yields 264 bytes). */
  private static final long LZF_MAX_RATIO = 100;

  private static final int ENC_LZF = 3;

  private final byte[] b;
  private int pos;

  RdbPayloadReader(byte[] payload) {
    this.b = payload;
  }

  int u8() {
    if (pos >= b.length) {
      throw new IndexOutOfBoundsException("payload ends early");
    }
    return b[pos++] & 0xff;
  }

  /** A length; for a specially encoded string, {@code -1 - encoding} instead. */
  long len() {
    int first = u8();
    return switch (first >> 6) {
      case 0 -> first & 0x3f;
      case 1 -> (first & 0x3f) << 8 | u8();
      case 2 -> {
        int bytes = first == 0x80 ? 4 : first == 0x81 ? 8 : 0;
        if (bytes == 0) {
          throw new IllegalArgumentException("bad length byte " + first);
        }
        long v = 0;
        for (int i = 0; i < bytes; i++) {
          v = v << 8 | u8();
        }
        yield v;
      }
      default -> -1 - (first & 0x3f);
    };
  }

  /** The next string's bytes (LZF decompressed); null for an integer-encoded string. */
  byte[] string() {
    return string(Integer.MAX_VALUE);
  }

  /**
   * The first {@code max} bytes of the next string (all of it when shorter), skipping the rest;
   * null for an integer-encoded string. A compressed string longer than {@code max} is skipped
   * without decompressing and reads as empty.
   */
  byte[] string(int max) {
    long len = len();
    if (len == -1 - ENC_LZF) {
      long compressed = len();
      long plain = len();
      byte[] data = take(compressed, Integer.MAX_VALUE);
      if (plain > max) {
        return new byte[0];
      }
      if (plain > compressed * LZF_MAX_RATIO + 64 || plain < 0) {
        throw new IllegalArgumentException("LZF string of " + plain + " bytes from " + compressed);
      }
      return Lzf.decode(new ByteArray(data), plain).first();
    }
    if (len < 0) {
      if (len < -1 - 2) {
        throw new IllegalArgumentException("unknown string encoding " + (-1 - len));
      }
      pos += 1 << (-1 - len); // an 8, 16 or 32-bit integer
      if (pos > b.length) {
        throw new IndexOutOfBoundsException("payload ends early");
      }
      return null;
    }
    return take(len, max);
  }

  private byte[] take(long n, int max) {
    if (n < 0 || n > b.length - pos) {
      throw new IndexOutOfBoundsException("payload ends early");
    }
    byte[] out = Arrays.copyOfRange(b, pos, pos + (int) Math.min(n, max));
    pos += (int) n;
    return out;
  }
}
