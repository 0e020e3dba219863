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
  private Ziplists() {}

  /**
   * What is wrong with the ziplist(s) in {@code payload} (type byte, body, version footer), or null
   * when they are sound or the payload holds no ziplist.
   */
  public static String problem(byte[] payload) {
    if (payload.length < 2 || !holdsZiplists(payload[0] & 0xff)) {
      return null; // checked for every key read: no reader is made for the types without one
    }
    RdbReader r = RdbReader.of(payload, 0, payload.length);
    try {
      return switch (r.u8()) {
        case RdbTypes.LIST_ZIPLIST -> check(r.blob(Integer.MAX_VALUE), 1, "list");
        case RdbTypes.ZSET_ZIPLIST -> check(r.blob(Integer.MAX_VALUE), 2, "sorted set");
        case RdbTypes.HASH_ZIPLIST -> check(r.blob(Integer.MAX_VALUE), 2, "hash");
        case RdbTypes.LIST_QUICKLIST -> quicklist(r);
        default -> null;
      };
    } catch (IndexOutOfBoundsException | PayloadDecoder.DecodeException e) {
      return "its payload ends early or has a bad length (" + e.getMessage() + ")";
    }
  }

  private static boolean holdsZiplists(int type) {
    return type == RdbTypes.LIST_ZIPLIST
        || type == RdbTypes.ZSET_ZIPLIST
        || type == RdbTypes.HASH_ZIPLIST
        || type == RdbTypes.LIST_QUICKLIST;
  }

  private static String quicklist(RdbReader r) throws PayloadDecoder.DecodeException {
    long nodes = r.length();
    for (long i = 0; i < nodes; i++) {
      String problem = check(r.blob(Integer.MAX_VALUE), 1, "list");
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
    if (zl.length < PackedEntries.ZIPLIST_HEADER + 1) {
      return "corrupt " + where + ": " + zl.length + " bytes, shorter than an empty ziplist";
    }
    long bytes = le(zl, 0, 4);
    long tail = le(zl, 4, 4);
    int count = (int) le(zl, 8, 2);
    if (bytes != zl.length || (zl[zl.length - 1] & 0xff) != PackedEntries.END) {
      return "corrupt " + where + ": its header says " + bytes + " bytes, it has " + zl.length;
    }
    PackedEntries p = PackedEntries.ziplist(zl);
    int prevSize = 0;
    int lastEntry = PackedEntries.ZIPLIST_HEADER;
    int entries = 0;
    while (!p.atEnd()) {
      PackedEntries.Step step = p.stepZiplist();
      if (p.prevLenField() < 0) {
        return "corrupt " + where + ": entry " + entries + " runs past the end";
      }
      if (p.prevLenField() != prevSize) {
        return "corrupt "
            + where
            + ": entry "
            + entries
            + " says the one before it has "
            + p.prevLenField()
            + " bytes, it has "
            + prevSize;
      }
      if (step == PackedEntries.Step.BAD_ENCODING) {
        return "corrupt " + where + ": entry " + entries + " has an invalid encoding";
      }
      if (step == PackedEntries.Step.PAST_END) {
        return "corrupt " + where + ": entry " + entries + " runs past the end";
      }
      prevSize = p.position() - p.entryStart();
      lastEntry = p.entryStart();
      entries++;
    }
    if (p.position() != zl.length - 1) {
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

  private static long le(byte[] b, int at, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = v << 8 | (b[at + i] & 0xff);
    }
    return v;
  }
}
