package io.github.rediskeysmigrator.rdb;

/**
 * Finds collections with no element in a DUMP payload. Redis never saves an empty list, set, sorted
 * set or hash: a file that holds one is corrupt (Redis' own test suite keeps such files as
 * "corrupt_empty_keys.rdb"; the server skips the key when it loads the file, RESTORE refuses the
 * payload with "Bad data format"). Streams may be empty, strings too.
 *
 * <p>Only the element count is read: the header of a ziplist, listpack, intset or zipmap blob, or
 * the leading length of the other encodings.
 */
public final class EmptyCollections {
  /** The longest blob of an empty collection: an empty ziplist. */
  private static final int EMPTY_BLOB_MAX = 11;

  private EmptyCollections() {}

  /**
   * What kind of empty collection {@code payload} (type byte, body, version footer) holds, e.g.
   * {@code "empty ziplist-encoded list"}, or null when it holds at least one element or is not a
   * collection.
   */
  public static String describe(byte[] payload) {
    if (payload.length < 2 || payload[0] == RdbTypes.STRING) {
      return null; // checked for every key read: no reader is made for a string
    }
    try {
      return describe(RdbReader.of(payload, 0, payload.length));
    } catch (IndexOutOfBoundsException | PayloadDecoder.DecodeException e) {
      // Not a count we can read: the destination's own check (RESTORE) judges this payload.
      return null;
    }
  }

  private static String describe(RdbReader r) throws PayloadDecoder.DecodeException {
    return switch (r.u8()) {
      case RdbTypes.LIST -> r.length() == 0 ? "empty list" : null;
      case RdbTypes.SET -> r.length() == 0 ? "empty set" : null;
      case RdbTypes.ZSET, RdbTypes.ZSET_2 -> r.length() == 0 ? "empty sorted set" : null;
      case RdbTypes.HASH -> r.length() == 0 ? "empty hash" : null;
      case RdbTypes.HASH_ZIPMAP ->
          zipmapEmpty(r.blob(EMPTY_BLOB_MAX)) ? "empty zipmap-encoded hash" : null;
      case RdbTypes.LIST_ZIPLIST ->
          ziplistEmpty(r.blob(EMPTY_BLOB_MAX)) ? "empty ziplist-encoded list" : null;
      case RdbTypes.SET_INTSET ->
          intsetEmpty(r.blob(EMPTY_BLOB_MAX)) ? "empty intset-encoded set" : null;
      case RdbTypes.ZSET_ZIPLIST ->
          ziplistEmpty(r.blob(EMPTY_BLOB_MAX)) ? "empty ziplist-encoded sorted set" : null;
      case RdbTypes.HASH_ZIPLIST ->
          ziplistEmpty(r.blob(EMPTY_BLOB_MAX)) ? "empty ziplist-encoded hash" : null;
      case RdbTypes.LIST_QUICKLIST ->
          quicklistEmpty(r) ? "list with no element in its quicklist" : null;
      case RdbTypes.HASH_LISTPACK ->
          listpackEmpty(r.blob(EMPTY_BLOB_MAX)) ? "empty listpack-encoded hash" : null;
      case RdbTypes.ZSET_LISTPACK ->
          listpackEmpty(r.blob(EMPTY_BLOB_MAX)) ? "empty listpack-encoded sorted set" : null;
      case RdbTypes.LIST_QUICKLIST_2 -> r.length() == 0 ? "list with no quicklist node" : null;
      case RdbTypes.SET_LISTPACK ->
          listpackEmpty(r.blob(EMPTY_BLOB_MAX)) ? "empty listpack-encoded set" : null;
      default -> null;
    };
  }

  /** Redis skips empty ziplist nodes on load; a quicklist of only those is an empty list. */
  private static boolean quicklistEmpty(RdbReader r) throws PayloadDecoder.DecodeException {
    long nodes = r.length();
    for (long i = 0; i < nodes; i++) {
      if (!ziplistEmpty(r.blob(EMPTY_BLOB_MAX))) {
        return false;
      }
    }
    return true;
  }

  /** zlbytes (4), zltail (4), zllen (2), entries, 0xff. */
  private static boolean ziplistEmpty(byte[] zl) {
    return zl != null && zl.length >= 11 && (zl[10] & 0xff) == 0xff && le16(zl, 8) == 0;
  }

  /** total bytes (4), element count (2), entries, 0xff. */
  private static boolean listpackEmpty(byte[] lp) {
    return lp != null && lp.length >= 7 && (lp[6] & 0xff) == 0xff && le16(lp, 4) == 0;
  }

  /** encoding (4), length (4), contents. */
  private static boolean intsetEmpty(byte[] is) {
    return is != null && is.length >= 8 && (le16(is, 4) | le16(is, 6)) == 0;
  }

  /** count (1), entries, 0xff. */
  private static boolean zipmapEmpty(byte[] zm) {
    return zm != null && zm.length >= 2 && (zm[1] & 0xff) == 0xff;
  }

  private static int le16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }
}
