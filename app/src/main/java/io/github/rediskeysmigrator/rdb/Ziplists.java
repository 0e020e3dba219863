package io.github.rediskeysmigrator.rdb;

/**
 * Checks the structure of ziplist blobs (the encoding of small lists, hashes and sorted sets up to
 * RDB 9, and of quicklist nodes up to RDB 9), as Redis' {@code ziplistValidateIntegrity} does with
 * its deep check. We pass payloads to the destination unchanged, and a destination that converts
 * ziplists on RESTORE (Redis 7+) refuses a broken one with a bare "Bad data format" while one that
 * keeps them would store it: checking here makes a corrupt file a bad input file (exit 5) on every
 * destination.
 */
public final class Ziplists {
  private static final int HEADER = 10;
  private static final int END = 0xff;

  private Ziplists() {}

  /**
   * What is wrong with the ziplist(s) in {@code payload} (type byte, body, version footer), or null
   * when they are sound or the payload holds no ziplist.
   */
  public static String problem(byte[] payload) {
    if (payload.length < 2) {
      return null;
    }
    RdbPayloadReader r = new RdbPayloadReader(payload);
    try {
      return switch (r.u8()) {
        case 10 -> check(r.string(), 1, "list");
        case 12 -> check(r.string(), 2, "sorted set");
        case 13 -> check(r.string(), 2, "hash");
        case 14 -> quicklist(r);
        default -> null;
      };
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      return "its payload ends early or has a bad length (" + e.getMessage() + ")";
    }
  }

  private static String quicklist(RdbPayloadReader r) {
    long nodes = r.len();
    for (long i = 0; i < nodes; i++) {
      String problem = check(r.string(), 1, "list");
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /**
   * Walks every entry: each lies inside the blob, has a valid encoding and a previous-length that
   * matches the entry before it; the header's size, tail offset and count agree with the entries.
   */
  static String check(byte[] zl, int entriesPerElement, String what) {
    if (zl == null) {
      return null; // not a blob (an integer-encoded string): Redis' loader says no more either
    }
    String where = "ziplist-encoded " + what;
    if (zl.length < HEADER + 1) {
      return "corrupt " + where + ": " + zl.length + " bytes, shorter than an empty ziplist";
    }
    long bytes = le(zl, 0, 4);
    long tail = le(zl, 4, 4);
    int count = (int) le(zl, 8, 2);
    if (bytes != zl.length || (zl[zl.length - 1] & 0xff) != END) {
      return "corrupt " + where + ": its header says " + bytes + " bytes, it has " + zl.length;
    }
    int pos = HEADER;
    int prevSize = 0;
    int lastEntry = HEADER;
    int entries = 0;
    while ((zl[pos] & 0xff) != END) {
      int start = pos;
      int prevLen = zl[pos] & 0xff;
      if (prevLen == 0xfe) {
        if (pos + 5 > zl.length - 1) {
          return "corrupt " + where + ": entry " + entries + " runs past the end";
        }
        prevLen = (int) le(zl, pos + 1, 4);
        pos += 5;
      } else {
        pos += 1;
      }
      if (prevLen != prevSize) {
        return "corrupt "
            + where
            + ": entry "
            + entries
            + " says the one before it has "
            + prevLen
            + " bytes, it has "
            + prevSize;
      }
      long body = bodySize(zl, pos);
      if (body < 0) {
        return "corrupt " + where + ": entry " + entries + " has an invalid encoding";
      }
      long next = pos + body;
      if (next > zl.length - 1) {
        return "corrupt " + where + ": entry " + entries + " runs past the end";
      }
      pos = (int) next;
      prevSize = pos - start;
      lastEntry = start;
      entries++;
    }
    if (pos != zl.length - 1) {
      return "corrupt " + where + ": bytes after its end marker";
    }
    if (tail != lastEntry) {
      return "corrupt " + where + ": its tail offset " + tail + " is not its last entry";
    }
    if (count != 0xffff && count != entries) {
      return "corrupt " + where + ": its header counts " + count + " entries, it has " + entries;
    }
    if (entries % entriesPerElement != 0) {
      return "corrupt " + where + ": an odd number of entries (" + entries + ")";
    }
    return null;
  }

  /** Encoding header plus data of the entry whose encoding starts at {@code pos}; -1 if invalid. */
  private static long bodySize(byte[] zl, int pos) {
    int enc = zl[pos] & 0xff;
    switch (enc >> 6) {
      case 0:
        return 1 + (enc & 0x3f);
      case 1:
        if (pos + 1 >= zl.length) {
          return -1;
        }
        return 2 + ((enc & 0x3f) << 8 | (zl[pos + 1] & 0xff));
      case 2:
        if (enc != 0x80 || pos + 4 >= zl.length) {
          return -1;
        }
        long len = 0;
        for (int i = 1; i <= 4; i++) {
          len = len << 8 | (zl[pos + i] & 0xff);
        }
        return 5 + len;
      default:
        return switch (enc) {
          case 0xc0 -> 1 + 2; // int16
          case 0xd0 -> 1 + 4; // int32
          case 0xe0 -> 1 + 8; // int64
          case 0xf0 -> 1 + 3; // int24
          case 0xfe -> 1 + 1; // int8
          default -> enc >= 0xf1 && enc <= 0xfd ? 1 : -1; // 4-bit immediate, else invalid
        };
    }
  }

  private static long le(byte[] b, int at, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = v << 8 | (b[at + i] & 0xff);
    }
    return v;
  }
}
