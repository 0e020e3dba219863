package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Walks the entries of a ziplist or a listpack blob (Redis' ziplist.c and listpack.c), the one
 * walker for both the decoder and the structure check ({@link Ziplists}). After {@link #next} (or
 * {@link #expect}) the current entry is either an integer ({@link #longValue}) or a string ({@link
 * #bytes} gives either as bytes). An entry that would pass the blob's end, or an unknown encoding,
 * throws {@link ArrayIndexOutOfBoundsException}: the payload is truncated or corrupt.
 */
final class PackedEntries {
  /** zlbytes (4), zltail (4), zllen (2). */
  static final int ZIPLIST_HEADER = 10;

  /** total bytes (4), element count (2). */
  static final int LISTPACK_HEADER = 6;

  static final int END = 0xff;

  /** What {@link #stepZiplist} found. */
  enum Step {
    OK,
    PAST_END,
    BAD_ENCODING
  }

  private final byte[] b;
  private final boolean listpack;
  private int pos;
  private boolean isInt;
  private long intValue;
  private int strStart;
  private int strLen;

  /** Where the current ziplist entry starts. */
  private int entryStart;

  /** What the current ziplist entry's previous-entry-length field says; -1 when unread. */
  private long prevLenField;

  private PackedEntries(byte[] b, boolean listpack, int start) {
    this.b = b;
    this.listpack = listpack;
    this.pos = start;
  }

  static PackedEntries ziplist(byte[] b) {
    return new PackedEntries(b, false, ZIPLIST_HEADER);
  }

  static PackedEntries listpack(byte[] b) {
    return new PackedEntries(b, true, LISTPACK_HEADER);
  }

  /** The offset of the next entry (or of the end marker). */
  int position() {
    return pos;
  }

  /** Whether the cursor is at the end marker. */
  boolean atEnd() {
    return (b[pos] & 0xff) == END;
  }

  /** Moves to the next entry; false at the end marker. */
  boolean next() {
    if (atEnd()) {
      return false;
    }
    if (listpack) {
      listpackEntry();
    } else {
      Step step = stepZiplist();
      if (step != Step.OK) {
        throw new ArrayIndexOutOfBoundsException("ziplist entry at " + entryStart + ": " + step);
      }
    }
    return true;
  }

  void expect() throws DecodeException {
    if (!next()) {
      throw new DecodeException("corrupt " + (listpack ? "listpack" : "ziplist") + ": ends early");
    }
  }

  long nextLong() throws DecodeException {
    expect();
    return longValue();
  }

  double nextScore() throws DecodeException {
    expect();
    return isInt ? (double) intValue : RdbReader.score(bytes());
  }

  long longValue() throws DecodeException {
    if (isInt) {
      return intValue;
    }
    try {
      return Long.parseLong(new String(b, strStart, strLen, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new DecodeException("corrupt stream or hash: a number expected");
    }
  }

  byte[] bytes() {
    return isInt ? RdbReader.ascii(intValue) : Arrays.copyOfRange(b, strStart, strStart + strLen);
  }

  /** Where the current ziplist entry starts. */
  int entryStart() {
    return entryStart;
  }

  /** What the current ziplist entry says the one before it takes; -1 when it could not be read. */
  long prevLenField() {
    return prevLenField;
  }

  /**
   * Reads the ziplist entry at the cursor, not at the end marker, with Redis' deep integrity rules:
   * its previous-entry length, encoding and data lie before the end marker, and the encoding is one
   * ziplist.c writes. On {@link Step#OK} the cursor moves past it.
   */
  Step stepZiplist() {
    entryStart = pos;
    prevLenField = -1;
    int p = pos;
    int last = b.length - 1;
    if ((b[p] & 0xff) == 0xfe) {
      if (p + 5 > last) {
        return Step.PAST_END;
      }
      prevLenField = le(p + 1, 4);
      p += 5;
    } else {
      prevLenField = b[p] & 0xff;
      p += 1;
    }
    if (p > last) {
      return Step.PAST_END;
    }
    int e = b[p] & 0xff;
    long next;
    switch (e >> 6) {
      case 0 -> {
        next = p + 1L + (e & 0x3f);
        stringAt(p + 1, e & 0x3f, next, last);
      }
      case 1 -> {
        if (p + 1 >= b.length) {
          return Step.BAD_ENCODING;
        }
        int len = ((e & 0x3f) << 8) | (b[p + 1] & 0xff);
        next = p + 2L + len;
        stringAt(p + 2, len, next, last);
      }
      case 2 -> {
        if (e != 0x80 || p + 4 >= b.length) {
          return Step.BAD_ENCODING;
        }
        long len = 0;
        for (int i = 1; i <= 4; i++) {
          len = len << 8 | (b[p + i] & 0xff);
        }
        next = p + 5L + len;
        stringAt(p + 5, (int) Math.min(len, Integer.MAX_VALUE), next, last);
      }
      default -> {
        int size =
            switch (e) {
              case 0xc0 -> 2; // int16
              case 0xd0 -> 4; // int32
              case 0xe0 -> 8; // int64
              case 0xf0 -> 3; // int24
              case 0xfe -> 1; // int8
              default -> e >= 0xf1 && e <= 0xfd ? 0 : -1; // 4-bit immediate
            };
        if (size < 0) {
          return Step.BAD_ENCODING;
        }
        next = p + 1L + size;
        if (next <= last) {
          integer(size == 0 ? (e & 0x0f) - 1 : signExtend(le(p + 1, size), size * 8));
        }
      }
    }
    if (next > last) {
      return Step.PAST_END;
    }
    pos = (int) next;
    return Step.OK;
  }

  /** Sets a string entry when it ends before the end marker. */
  private void stringAt(int start, int len, long next, int last) {
    if (next <= last) {
      isInt = false;
      strStart = start;
      strLen = len;
    }
  }

  private void string(int start, int len) {
    isInt = false;
    strStart = start;
    strLen = len;
    if (start + len > b.length) {
      throw new ArrayIndexOutOfBoundsException(start + len);
    }
  }

  private void integer(long v) {
    isInt = true;
    intValue = v;
  }

  private long le(int at, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v |= (long) (b[at + i] & 0xff) << (8 * i);
    }
    return v;
  }

  static long signExtend(long v, int bits) {
    return bits >= 64 ? v : (v << (64 - bits)) >> (64 - bits);
  }

  private void listpackEntry() {
    int start = pos;
    int e = b[pos] & 0xff;
    int size; // encoding + data
    if ((e & 0x80) == 0) {
      integer(e & 0x7f);
      size = 1;
    } else if ((e & 0xc0) == 0x80) {
      string(pos + 1, e & 0x3f);
      size = 1 + (e & 0x3f);
    } else if ((e & 0xe0) == 0xc0) {
      integer(signExtend(((e & 0x1f) << 8) | (b[pos + 1] & 0xff), 13));
      size = 2;
    } else if ((e & 0xf0) == 0xe0) {
      int len = ((e & 0x0f) << 8) | (b[pos + 1] & 0xff);
      string(pos + 2, len);
      size = 2 + len;
    } else {
      switch (e) {
        case 0xf0 -> {
          int len = (int) le(pos + 1, 4);
          string(pos + 5, len);
          size = 5 + len;
        }
        case 0xf1 -> {
          integer(signExtend(le(pos + 1, 2), 16));
          size = 3;
        }
        case 0xf2 -> {
          integer(signExtend(le(pos + 1, 3), 24));
          size = 4;
        }
        case 0xf3 -> {
          integer(signExtend(le(pos + 1, 4), 32));
          size = 5;
        }
        case 0xf4 -> {
          integer(le(pos + 1, 8));
          size = 9;
        }
        default -> throw new ArrayIndexOutOfBoundsException("listpack encoding " + e);
      }
    }
    int backlen =
        size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
    pos = start + size + backlen;
  }
}
