package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.Handler;

/**
 * Decodes the hashes with field TTLs: Redis 7.4's types 22 to 25 (the release candidates' layouts
 * and the final ones) and Valkey 9's own type 22 ({@link RdbTypes#VALKEY_HASH_2}).
 */
final class HashTtlDecoder {
  private HashTtlDecoder() {}

  /** Decodes one value of Redis' {@code type} (22 to 25) from {@code in} into {@code h}. */
  static void value(int type, RdbReader in, Handler h) throws DecodeException {
    switch (type) {
      case RdbTypes.HASH_METADATA_PRE_GA, RdbTypes.HASH_METADATA -> {
        // Hashtable encoding. GA (24) stores each TTL relative to a minimum written first
        // (ttl - min + 1, 0 for none); the 7.4 release candidates (22) stored it absolute.
        boolean ga = type == RdbTypes.HASH_METADATA;
        long min = ga ? in.le(8) : 0;
        long n = in.length();
        for (long i = 0; i < n; i++) {
          long ttl = in.length();
          byte[] field = in.string();
          byte[] value = in.string();
          long at = ttl == 0 ? -1 : (ga ? ttl + min - 1 : ttl);
          h.hashField(field, value, at);
        }
      }
      case RdbTypes.HASH_LISTPACK_EX_PRE_GA, RdbTypes.HASH_LISTPACK_EX -> {
        // Listpack of field, value, absolute TTL (0 for none); GA (25) has a minimum TTL first.
        if (type == RdbTypes.HASH_LISTPACK_EX) {
          in.le(8);
        }
        PackedEntries p = PackedEntries.listpack(in.string());
        while (p.next()) {
          byte[] field = p.bytes();
          p.expect();
          byte[] value = p.bytes();
          p.expect();
          long ttl = p.longValue();
          h.hashField(field, value, ttl == 0 ? -1 : ttl);
        }
      }
      default -> throw new IllegalArgumentException("not a hash with field TTLs: type " + type);
    }
  }

  /** Valkey 9: a count, then field, value and the absolute expiry in ms (8 bytes, -1 for none). */
  static void valkeyHash2(RdbReader in, Handler h) throws DecodeException {
    long n = in.length();
    for (long i = 0; i < n; i++) {
      byte[] field = in.string();
      byte[] value = in.string();
      long at = in.le(8);
      h.hashField(field, value, at < 0 ? -1 : at);
    }
  }
}
