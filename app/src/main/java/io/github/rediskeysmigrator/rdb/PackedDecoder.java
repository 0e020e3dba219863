package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.Handler;

/**
 * Decodes the collections in their packed encodings: zipmap (9), ziplist (10, 12, 13), intset (11),
 * quicklist of ziplists (14) or of listpacks and plain nodes (18), and listpack (16, 17, 20). The
 * value is one blob (or a count of blobs) whose entries {@link PackedEntries} walks.
 */
final class PackedDecoder {
  private static final int QUICKLIST_PLAIN = 1;
  private static final int QUICKLIST_PACKED = 2;

  private PackedDecoder() {}

  /** Decodes one value of a packed {@code type} from {@code in} into {@code h}. */
  static void value(int type, RdbReader in, Handler h) throws DecodeException {
    switch (type) {
      case RdbTypes.HASH_ZIPMAP -> zipmap(in.string(), h);
      case RdbTypes.SET_INTSET -> intset(in.string(), h);
      case RdbTypes.LIST_ZIPLIST -> list(PackedEntries.ziplist(in.string()), h);
      case RdbTypes.SET_LISTPACK -> {
        PackedEntries p = PackedEntries.listpack(in.string());
        while (p.next()) {
          h.setMember(p.bytes());
        }
      }
      case RdbTypes.ZSET_ZIPLIST -> zset(PackedEntries.ziplist(in.string()), h);
      case RdbTypes.ZSET_LISTPACK -> zset(PackedEntries.listpack(in.string()), h);
      case RdbTypes.HASH_ZIPLIST -> hash(PackedEntries.ziplist(in.string()), h);
      case RdbTypes.HASH_LISTPACK -> hash(PackedEntries.listpack(in.string()), h);
      case RdbTypes.LIST_QUICKLIST -> {
        long nodes = in.length();
        for (long i = 0; i < nodes; i++) {
          list(PackedEntries.ziplist(in.string()), h);
        }
      }
      case RdbTypes.LIST_QUICKLIST_2 -> {
        long nodes = in.length();
        for (long i = 0; i < nodes; i++) {
          long container = in.length();
          byte[] node = in.string();
          if (container == QUICKLIST_PLAIN) {
            h.listElement(node); // one big element
          } else if (container == QUICKLIST_PACKED) {
            list(PackedEntries.listpack(node), h);
          } else {
            throw new DecodeException("corrupt quicklist: container type " + container);
          }
        }
      }
      default -> throw new IllegalArgumentException("not a packed encoding: type " + type);
    }
  }

  private static void list(PackedEntries p, Handler h) throws DecodeException {
    while (p.next()) {
      h.listElement(p.bytes());
    }
  }

  private static void zset(PackedEntries p, Handler h) throws DecodeException {
    while (p.next()) {
      byte[] member = p.bytes();
      h.zsetMember(member, p.nextScore());
    }
  }

  private static void hash(PackedEntries p, Handler h) throws DecodeException {
    while (p.next()) {
      byte[] field = p.bytes();
      p.expect();
      h.hashField(field, p.bytes(), -1);
    }
  }

  /** A zipmap (zipmap.c): a count hint, then field, value and free-space entries, then 0xff. */
  private static void zipmap(byte[] zm, Handler h) throws DecodeException {
    RdbReader r = RdbReader.of(zm, 1, zm.length); // first byte: entry count hint
    while (true) {
      int b = r.u8();
      if (b == PackedEntries.END) {
        return;
      }
      byte[] field = r.bytes(zipmapLength(r, b));
      int vlen = zipmapLength(r, r.u8());
      int free = r.u8();
      byte[] value = r.bytes(vlen);
      r.skip(free);
      h.hashField(field, value, -1);
    }
  }

  private static int zipmapLength(RdbReader r, int first) {
    return first < 254 ? first : (int) r.le(4);
  }

  /** An intset (intset.c): element width, count, then the sorted integers, little endian. */
  private static void intset(byte[] is, Handler h) throws DecodeException {
    RdbReader r = RdbReader.of(is, 0, is.length);
    int width = (int) r.le(4);
    long n = r.le(4);
    if (width != 2 && width != 4 && width != 8) {
      throw new DecodeException("corrupt intset: element width " + width);
    }
    for (long i = 0; i < n; i++) {
      h.setMember(RdbReader.ascii(PackedEntries.signExtend(r.le(width), width * 8)));
    }
  }
}
