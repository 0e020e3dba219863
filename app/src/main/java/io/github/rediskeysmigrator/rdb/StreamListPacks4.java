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
  static void skip(ValueSkipper p) throws IOException {
    stream(p, RdbTypes.STREAM_LISTPACKS_3);
    idmpState(p);
  }

  /**
   * Skips a stream of type 15 (Redis 5), 19 (Redis 7.0) or 21 (Redis 7.2+), as rdb.c's
   * rdbLoadObject reads them: 19 adds the first id, max deleted id and entries added after the last
   * id, and each group's entries read; 21 adds each consumer's active time.
   */
  static void stream(ValueSkipper p, int type) throws IOException {
    long nodes = p.count("a stream's node count");
    for (long i = 0; i < nodes; i++) {
      p.string(); // node key: the master entry id
      p.string(); // listpack of entries
    }
    boolean v2 = type >= RdbTypes.STREAM_LISTPACKS_2;
    for (int i = 0; i < (v2 ? 8 : 3); i++) {
      // length, last id (ms, seq); then first id, max deleted id, entries added
      p.length();
    }
    long groups = p.count("a stream's group count");
    for (long g = 0; g < groups; g++) {
      p.string(); // name
      p.length(); // last delivered id
      p.length();
      if (v2) {
        p.length(); // entries read
      }
      long pending = p.count("a group's pending entry count");
      for (long i = 0; i < pending; i++) {
        p.raw(16 + 8); // raw id, delivery time
        p.length(); // delivery count
      }
      long consumers = p.count("a group's consumer count");
      for (long c = 0; c < consumers; c++) {
        p.string(); // name
        p.raw(type >= RdbTypes.STREAM_LISTPACKS_3 ? 8 + 8 : 8); // seen time, active time
        long owned = p.count("a consumer's pending entry count");
        for (long i = 0; i < owned; i++) {
          p.raw(16);
        }
      }
    }
  }

  /**
   * Skips type 26's idempotent-producer state, as redis/librdb reads it (commit cc8dd3b, "Support
   * RDB v13"): duration, max entries, producer count; per producer its id and entry count, per
   * entry its idempotent id and stream id (ms, seq); then the counts of ids added and duplicates.
   */
  private static void idmpState(ValueSkipper p) throws IOException {
    p.length(); // duration, seconds
    p.length(); // max entries per producer
    long producers = p.count("a stream's IDMP producer count");
    for (long i = 0; i < producers; i++) {
      p.string(); // producer id
      long entries = p.count("an IDMP producer's entry count");
      for (long e = 0; e < entries; e++) {
        p.string(); // idempotent id
        p.length(); // stream id
        p.length();
      }
    }
    p.length(); // ids added
    p.length(); // duplicates
  }
}
