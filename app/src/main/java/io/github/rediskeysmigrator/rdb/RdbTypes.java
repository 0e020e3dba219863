package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.core.KeyType;

/**
 * The catalogue of RDB value types, modelled on Redis' {@code rdb.h}: every type byte is named once
 * here, with the family (the type TYPE reports) it encodes and the first RDB version that has it,
 * and so is every opcode we read. Code elsewhere names types by these constants, never by their
 * numbers.
 *
 * <p>Redis and Valkey number types 0 to 21 alike. From 22 on they part: Redis 7.4+ writes its
 * hashes with field TTLs as 22 to 25 and Redis 8.6 its streams with idempotent-producer state as
 * 26; Valkey 9 writes its hashes with field TTLs as 22 ({@link #VALKEY_HASH_2}), with another
 * encoding, in files and payloads of RDB version 80.
 */
public final class RdbTypes {
  public static final int STRING = 0;
  public static final int LIST = 1;
  public static final int SET = 2;
  public static final int ZSET = 3;
  public static final int HASH = 4;

  /** Sorted set with binary (8-byte) scores. */
  public static final int ZSET_2 = 5;

  /** Module value of the Redis 4.0 release candidates. */
  public static final int MODULE_PRE_GA = 6;

  public static final int MODULE_2 = 7;
  public static final int HASH_ZIPMAP = 9;
  public static final int LIST_ZIPLIST = 10;
  public static final int SET_INTSET = 11;
  public static final int ZSET_ZIPLIST = 12;
  public static final int HASH_ZIPLIST = 13;
  public static final int LIST_QUICKLIST = 14;
  public static final int STREAM_LISTPACKS = 15;
  public static final int HASH_LISTPACK = 16;
  public static final int ZSET_LISTPACK = 17;
  public static final int LIST_QUICKLIST_2 = 18;
  public static final int STREAM_LISTPACKS_2 = 19;
  public static final int SET_LISTPACK = 20;
  public static final int STREAM_LISTPACKS_3 = 21;

  /** Hash with field TTLs, hashtable encoding, of the Redis 7.4 release candidates. */
  public static final int HASH_METADATA_PRE_GA = 22;

  /** Hash with field TTLs, listpack encoding, of the Redis 7.4 release candidates. */
  public static final int HASH_LISTPACK_EX_PRE_GA = 23;

  public static final int HASH_METADATA = 24;
  public static final int HASH_LISTPACK_EX = 25;

  /** Stream with idempotent-producer (IDMP) state, Redis 8.6. */
  public static final int STREAM_LISTPACKS_4 = 26;

  /**
   * Valkey 9's hash with field TTLs ({@code RDB_TYPE_HASH_2}): the same byte as Redis' {@link
   * #HASH_METADATA_PRE_GA}, told apart by the payload's RDB version (80 and later).
   */
  public static final int VALKEY_HASH_2 = 22;

  /** Opcodes from here up are not value types (module aux, function, AUX, ..., EOF). */
  public static final int FIRST_OPCODE = 200;

  /** Valkey 9's slot import in progress (its own opcode). */
  public static final int OPCODE_SLOT_IMPORT = 243;

  /** A cluster slot's key counts (Redis 7.4+): slot, keys, keys with an expiry. */
  public static final int OPCODE_SLOT_INFO = 244;

  /** A function library (Redis 7+), also the first byte of a FUNCTION DUMP payload. */
  public static final int OPCODE_FUNCTION2 = 245;

  /** A function of the Redis 7.0 release candidates: name, engine, description, code. */
  public static final int OPCODE_FUNCTION_PRE_GA = 246;

  public static final int OPCODE_MODULE_AUX = 247;

  /** The next key's LRU idle time. */
  public static final int OPCODE_IDLE = 248;

  /** The next key's LFU frequency. */
  public static final int OPCODE_FREQ = 249;

  public static final int OPCODE_AUX = 250;
  public static final int OPCODE_RESIZEDB = 251;

  /** The next key's expiry, in milliseconds. */
  public static final int OPCODE_EXPIRETIME_MS = 252;

  /** The next key's expiry, in seconds (RDB files before version 3). */
  public static final int OPCODE_EXPIRETIME = 253;

  public static final int OPCODE_SELECTDB = 254;
  public static final int OPCODE_EOF = 255;

  /** Redis Enterprise's RAM-LRU before a key: a length no other server writes. */
  public static final int OPCODE_RAM_LRU = 107;

  /** The last type that Redis and Valkey number alike. */
  public static final int LAST_SHARED = STREAM_LISTPACKS_3;

  /**
   * One entry of the catalogue.
   *
   * @param name the constant's name in Redis' rdb.h, without {@code RDB_TYPE_}
   * @param family the type TYPE reports for it
   * @param since the first RDB version whose servers read it; 1 for the types that every server
   *     this tool meets (Redis 2.6, RDB 6, and later) reads
   */
  public record Info(String name, KeyType family, int since) {}

  private static final Info[] CATALOGUE = new Info[STREAM_LISTPACKS_4 + 1];

  private static void add(int type, String name, KeyType family, int since) {
    CATALOGUE[type] = new Info(name, family, since);
  }

  static {
    add(STRING, "STRING", KeyType.STRING, 1);
    add(LIST, "LIST", KeyType.LIST, 1);
    add(SET, "SET", KeyType.SET, 1);
    add(ZSET, "ZSET", KeyType.ZSET, 1);
    add(HASH, "HASH", KeyType.HASH, 1);
    add(ZSET_2, "ZSET_2", KeyType.ZSET, 8);
    add(MODULE_PRE_GA, "MODULE_PRE_GA", KeyType.MODULE, 8);
    add(MODULE_2, "MODULE_2", KeyType.MODULE, 8);
    add(HASH_ZIPMAP, "HASH_ZIPMAP", KeyType.HASH, 1);
    add(LIST_ZIPLIST, "LIST_ZIPLIST", KeyType.LIST, 1);
    add(SET_INTSET, "SET_INTSET", KeyType.SET, 1);
    add(ZSET_ZIPLIST, "ZSET_ZIPLIST", KeyType.ZSET, 1);
    add(HASH_ZIPLIST, "HASH_ZIPLIST", KeyType.HASH, 1);
    add(LIST_QUICKLIST, "LIST_QUICKLIST", KeyType.LIST, 7);
    add(STREAM_LISTPACKS, "STREAM_LISTPACKS", KeyType.STREAM, 9);
    add(HASH_LISTPACK, "HASH_LISTPACK", KeyType.HASH, 10);
    add(ZSET_LISTPACK, "ZSET_LISTPACK", KeyType.ZSET, 10);
    add(LIST_QUICKLIST_2, "LIST_QUICKLIST_2", KeyType.LIST, 10);
    add(STREAM_LISTPACKS_2, "STREAM_LISTPACKS_2", KeyType.STREAM, 10);
    add(SET_LISTPACK, "SET_LISTPACK", KeyType.SET, 11);
    add(STREAM_LISTPACKS_3, "STREAM_LISTPACKS_3", KeyType.STREAM, 11);
    add(HASH_METADATA_PRE_GA, "HASH_METADATA_PRE_GA", KeyType.HASH, 12);
    add(HASH_LISTPACK_EX_PRE_GA, "HASH_LISTPACK_EX_PRE_GA", KeyType.HASH, 12);
    add(HASH_METADATA, "HASH_METADATA", KeyType.HASH, 12);
    add(HASH_LISTPACK_EX, "HASH_LISTPACK_EX", KeyType.HASH, 12);
    add(STREAM_LISTPACKS_4, "STREAM_LISTPACKS_4", KeyType.STREAM, 13);
  }

  private RdbTypes() {}

  /** The catalogue entry of {@code rdbType}, or null for a byte no Redis version writes. */
  public static Info info(int rdbType) {
    return rdbType >= 0 && rdbType < CATALOGUE.length ? CATALOGUE[rdbType] : null;
  }

  /**
   * The key type for an RDB value type byte.
   *
   * @throws IllegalArgumentException for a byte no Redis version writes
   */
  public static KeyType keyType(int rdbType) {
    Info info = info(rdbType);
    if (info == null) {
      throw new IllegalArgumentException("unknown RDB value type " + rdbType);
    }
    return info.family();
  }

  /** Whether {@code rdbType} is a hash with field TTLs, of Redis (22 to 25) or Valkey (22). */
  public static boolean hasFieldTtls(int rdbType) {
    return rdbType >= HASH_METADATA_PRE_GA && rdbType <= HASH_LISTPACK_EX;
  }

  /**
   * Whether {@code rdbType} in a payload of RDB version {@code rdbVersion} is Valkey 9's hash with
   * field TTLs rather than Redis' type of the same byte.
   */
  public static boolean isValkeyHash2(int rdbType, int rdbVersion) {
    return rdbType == VALKEY_HASH_2 && rdbVersion >= RdbHeader.VALKEY_9;
  }
}
