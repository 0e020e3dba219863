package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.Handler;

/**
 * Decodes strings and the collections in their plain (hashtable, linked list, skiplist) encodings:
 * RDB types 0 to 5, a count and then each element as an RDB string.
 */
final class CollectionDecoder {
  private CollectionDecoder() {}

  /** Decodes one value of {@code type} (0 to 5) from {@code in} into {@code h}. */
  static void value(int type, RdbReader in, Handler h) throws DecodeException {
    if (type == RdbTypes.STRING) {
      h.string(in.string());
      return;
    }
    long n = in.length();
    for (long i = 0; i < n; i++) {
      switch (type) {
        case RdbTypes.LIST -> h.listElement(in.string());
        case RdbTypes.SET -> h.setMember(in.string());
        case RdbTypes.ZSET -> h.zsetMember(in.string(), in.textDouble());
        case RdbTypes.ZSET_2 -> h.zsetMember(in.string(), in.binaryDouble());
        case RdbTypes.HASH -> h.hashField(in.string(), in.string(), -1);
        default -> throw new IllegalArgumentException("not a plain collection: type " + type);
      }
    }
  }
}
