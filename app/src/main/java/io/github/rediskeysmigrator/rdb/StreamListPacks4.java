package io.github.rediskeysmigrator.rdb;

import java.io.IOException;

/**
 * The layout of RDB 13's stream type 26 ({@code RDB_TYPE_STREAM_LISTPACKS_4}, Redis 8.6), which
 * Redis Replicator 3.11.0 does not know: type 21's stream followed by its idempotent-producer
 * state. Skipped through a capturing parser, so that {@link PayloadValueVisitor} gets the value's
 * bytes as a type 26 payload.
 */
final class StreamListPacks4 {
  private StreamListPacks4() {}

  /** Skips one type 26 value. */
  static void skip(CheckedSkipParser p) throws IOException {
    streamListPacks3(p);
    idmpState(p);
  }

  /** Skips a stream of type 21 (Redis 7.2+), as rdb.c's rdbLoadObject reads it. */
  private static void streamListPacks3(CheckedSkipParser p) throws IOException {
    long nodes = p.count("a stream's node count");
    for (long i = 0; i < nodes; i++) {
      p.rdbLoadPlainStringObject(); // node key: the master entry id
      p.rdbLoadPlainStringObject(); // listpack of entries
    }
    for (int i = 0; i < 8; i++) {
      // length, last id (ms, seq), first id, max deleted id, entries added
      p.rdbLoadLen();
    }
    long groups = p.count("a stream's group count");
    for (long g = 0; g < groups; g++) {
      p.rdbLoadPlainStringObject(); // name
      p.rdbLoadLen(); // last delivered id
      p.rdbLoadLen();
      p.rdbLoadLen(); // entries read
      long pending = p.count("a group's pending entry count");
      for (long i = 0; i < pending; i++) {
        p.skipRaw(16 + 8); // raw id, delivery time
        p.rdbLoadLen(); // delivery count
      }
      long consumers = p.count("a group's consumer count");
      for (long c = 0; c < consumers; c++) {
        p.rdbLoadPlainStringObject(); // name
        p.skipRaw(8 + 8); // seen time, active time
        long owned = p.count("a consumer's pending entry count");
        for (long i = 0; i < owned; i++) {
          p.skipRaw(16);
        }
      }
    }
  }

  /**
   * Skips type 26's idempotent-producer state, as redis/librdb reads it (commit cc8dd3b, "Support
   * RDB v13"): duration, max entries, producer count; per producer its id and entry count, per
   * entry its idempotent id and stream id (ms, seq); then the counts of ids added and duplicates.
   */
  private static void idmpState(CheckedSkipParser p) throws IOException {
    p.rdbLoadLen(); // duration, seconds
    p.rdbLoadLen(); // max entries per producer
    long producers = p.count("a stream's IDMP producer count");
    for (long i = 0; i < producers; i++) {
      p.rdbLoadPlainStringObject(); // producer id
      long entries = p.count("an IDMP producer's entry count");
      for (long e = 0; e < entries; e++) {
        p.rdbLoadPlainStringObject(); // idempotent id
        p.rdbLoadLen(); // stream id
        p.rdbLoadLen();
      }
    }
    p.rdbLoadLen(); // ids added
    p.rdbLoadLen(); // duplicates
  }
}
