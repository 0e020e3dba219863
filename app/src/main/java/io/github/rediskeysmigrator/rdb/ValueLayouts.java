package io.github.rediskeysmigrator.rdb;

import java.io.IOException;

/**
 * The layout of every RDB value type in a file, as rdb.c's rdbLoadObject reads it: what to pass
 * over, part by part, to find where a value ends without decoding it. {@link RdbKeyReader} captures
 * the bytes passed over as the value's DUMP payload body.
 */
final class ValueLayouts {
  /** Module value opcodes (rdb.h's RDB_MODULE_OPCODE_*). */
  private static final int MODULE_EOF = 0;

  private static final int MODULE_SINT = 1;
  private static final int MODULE_UINT = 2;
  private static final int MODULE_FLOAT = 3;
  private static final int MODULE_DOUBLE = 4;
  private static final int MODULE_STRING = 5;

  private ValueLayouts() {}

  /**
   * Passes over one value of RDB type {@code type} (Redis' numbering: 22 is the pre-GA hash with
   * field TTLs here, not Valkey's).
   *
   * @throws IOException for a type no file has, or one that cannot be passed over
   */
  static void skip(ValueSkipper p, int type) throws IOException {
    switch (type) {
      case RdbTypes.STRING,
          RdbTypes.HASH_ZIPMAP,
          RdbTypes.LIST_ZIPLIST,
          RdbTypes.SET_INTSET,
          RdbTypes.ZSET_ZIPLIST,
          RdbTypes.HASH_ZIPLIST,
          RdbTypes.HASH_LISTPACK,
          RdbTypes.ZSET_LISTPACK,
          RdbTypes.SET_LISTPACK ->
          p.string();
      case RdbTypes.LIST, RdbTypes.SET, RdbTypes.LIST_QUICKLIST -> strings(p, 1);
      case RdbTypes.HASH -> strings(p, 2);
      case RdbTypes.ZSET -> {
        long n = p.count("a collection's element count");
        for (long i = 0; i < n; i++) {
          p.string();
          p.textDouble();
        }
      }
      case RdbTypes.ZSET_2 -> {
        long n = p.count("a collection's element count");
        for (long i = 0; i < n; i++) {
          p.string();
          p.raw(8);
        }
      }
      case RdbTypes.LIST_QUICKLIST_2 -> {
        long n = p.count("a collection's element count");
        for (long i = 0; i < n; i++) {
          p.length(); // container: plain node or packed listpack
          p.string();
        }
      }
      case RdbTypes.MODULE_2 -> {
        p.length(); // module id
        moduleValue(p);
      }
      case RdbTypes.STREAM_LISTPACKS, RdbTypes.STREAM_LISTPACKS_2, RdbTypes.STREAM_LISTPACKS_3 ->
          StreamListPacks4.stream(p, type);
      case RdbTypes.STREAM_LISTPACKS_4 -> StreamListPacks4.skip(p);
      case RdbTypes.HASH_METADATA_PRE_GA, RdbTypes.HASH_METADATA -> {
        if (type == RdbTypes.HASH_METADATA) {
          p.raw(8); // minimum expiry; field TTLs are relative to it
        }
        long n = p.count("a collection's element count");
        for (long i = 0; i < n; i++) {
          p.length(); // field TTL
          p.string();
          p.string();
        }
      }
      case RdbTypes.HASH_LISTPACK_EX_PRE_GA, RdbTypes.HASH_LISTPACK_EX -> {
        if (type == RdbTypes.HASH_LISTPACK_EX) {
          p.raw(8); // minimum expiry
        }
        p.string(); // listpack of field, value, TTL triplets
      }
      case RdbTypes.MODULE_PRE_GA ->
          throw new IOException(
              "a module value of the Redis 4.0 release candidates (type 6), which only its module"
                  + " can read");
      default -> throw new IOException("unexpected value type:" + type);
    }
  }

  /** Passes over Valkey 9's hash with field TTLs: field, value and absolute expiry each. */
  static void skipValkeyHash2(ValueSkipper p) throws IOException {
    long n = p.count("a collection's element count");
    for (long i = 0; i < n; i++) {
      p.string();
      p.string();
      p.raw(8);
    }
  }

  private static void strings(ValueSkipper p, int perEntry) throws IOException {
    long n = p.count("a collection's element count") * perEntry;
    for (long i = 0; i < n; i++) {
      p.string();
    }
  }

  /**
   * Passes over a module value's opcodes up to its end marker, as Redis does for a module it has
   * not loaded (rdbLoadCheckModuleValue); also the body of a module AUX field.
   */
  static void moduleValue(ValueSkipper p) throws IOException {
    long opcode;
    while ((opcode = p.length()) != MODULE_EOF) {
      if (opcode == MODULE_SINT || opcode == MODULE_UINT) {
        p.length();
      } else if (opcode == MODULE_STRING) {
        p.string();
      } else if (opcode == MODULE_FLOAT) {
        p.raw(4);
      } else if (opcode == MODULE_DOUBLE) {
        p.raw(8);
      } else {
        throw new IOException("unknown module value opcode " + opcode);
      }
    }
  }
}
