package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.util.ByteArray;
import com.moilioncircle.redis.replicator.util.Lzf;
import java.util.Arrays;

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
    if (payload.length < 2) {
      return null;
    }
    try {
      return describe(new Reader(payload));
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      // Not a count we can read: the destination's own check (RESTORE) judges this payload.
      return null;
    }
  }

  private static String describe(Reader r) {
    return switch (r.u8()) {
      case 1 -> r.len() == 0 ? "empty list" : null;
      case 2 -> r.len() == 0 ? "empty set" : null;
      case 3, 5 -> r.len() == 0 ? "empty sorted set" : null;
      case 4 -> r.len() == 0 ? "empty hash" : null;
      case 9 -> zipmapEmpty(r.string()) ? "empty zipmap-encoded hash" : null;
      case 10 -> ziplistEmpty(r.string()) ? "empty ziplist-encoded list" : null;
      case 11 -> intsetEmpty(r.string()) ? "empty intset-encoded set" : null;
      case 12 -> ziplistEmpty(r.string()) ? "empty ziplist-encoded sorted set" : null;
      case 13 -> ziplistEmpty(r.string()) ? "empty ziplist-encoded hash" : null;
      case 14 -> quicklistEmpty(r) ? "list with no element in its quicklist" : null;
      case 16 -> listpackEmpty(r.string()) ? "empty listpack-encoded hash" : null;
      case 17 -> listpackEmpty(r.string()) ? "empty listpack-encoded sorted set" : null;
      case 18 -> r.len() == 0 ? "list with no quicklist node" : null;
      case 20 -> listpackEmpty(r.string()) ? "empty listpack-encoded set" : null;
      default -> null;
    };
  }

  /** Redis skips empty ziplist nodes on load; a quicklist of only those is an empty list. */
  private static boolean quicklistEmpty(Reader r) {
    long nodes = r.len();
    for (long i = 0; i < nodes; i++) {
      if (!ziplistEmpty(r.string())) {
        return false;
      }
    }
    return true;
  }

  /** zlbytes (4), zltail (4), zllen (2), entries, 0xff. */
  private static boolean ziplistEmpty(byte[] zl) {
    return zl.length >= 11 && (zl[10] & 0xff) == 0xff && le16(zl, 8) == 0;
  }

  /** total bytes (4), element count (2), entries, 0xff. */
  private static boolean listpackEmpty(byte[] lp) {
    return lp.length >= 7 && (lp[6] & 0xff) == 0xff && le16(lp, 4) == 0;
  }

  /** encoding (4), length (4), contents. */
  private static boolean intsetEmpty(byte[] is) {
    return is.length >= 8 && (le16(is, 4) | le16(is, 6)) == 0;
  }

  /** count (1), entries, 0xff. */
  private static boolean zipmapEmpty(byte[] zm) {
    return zm.length >= 2 && (zm[1] & 0xff) == 0xff;
  }

  private static int le16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  /** RDB lengths and strings over the payload; a payload that ends early reads as "not empty". */
  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    int u8() {
      if (pos >= b.length) {
        throw new IndexOutOfBoundsException("payload ends early");
      }
      return b[pos++] & 0xff;
    }

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
        default -> -1 - (first & 0x3f); // a special string encoding, negative
      };
    }

    /** The string's bytes, or an empty array for one that cannot be an empty collection's blob. */
    byte[] string() {
      long len = len();
      if (len == -1 - 3) { // LZF
        long compressed = len();
        long plain = len();
        byte[] data = bytes(compressed);
        // An empty collection's blob has at most 11 bytes: never decompress anything longer.
        return plain > EMPTY_BLOB_MAX
            ? new byte[0]
            : Lzf.decode(new ByteArray(data), plain).first();
      }
      // An integer-encoded string is never a collection blob.
      return len < 0 ? new byte[0] : head(len);
    }

    /** The first bytes (as many as an empty blob has) of the next n; skips the rest. */
    private byte[] head(long n) {
      if (n > b.length - pos) {
        throw new IndexOutOfBoundsException("payload ends early");
      }
      byte[] out = Arrays.copyOfRange(b, pos, pos + (int) Math.min(n, EMPTY_BLOB_MAX));
      pos += (int) n;
      return out;
    }

    private byte[] bytes(long n) {
      if (n > b.length - pos) {
        throw new IndexOutOfBoundsException("payload ends early");
      }
      byte[] out = new byte[(int) n];
      System.arraycopy(b, pos, out, 0, (int) n);
      pos += (int) n;
      return out;
    }
  }
}
