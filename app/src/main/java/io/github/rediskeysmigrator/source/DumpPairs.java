package io.github.rediskeysmigrator.source;

import com.moilioncircle.redis.replicator.rdb.datatype.ExpiredType;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;
import io.github.rediskeysmigrator.core.KeyEvent;

/** Reads the db and expiry of a key Redis Replicator hands over as a DUMP pair. */
final class DumpPairs {
  private DumpPairs() {}

  /** The key's absolute expiry in milliseconds, or {@link KeyEvent#NO_EXPIRY}. */
  static long expireAtMs(DumpKeyValuePair kv) {
    if (kv.getExpiredType() == ExpiredType.SECOND) {
      return kv.getExpiredValue() * 1000L;
    }
    if (kv.getExpiredType() == ExpiredType.MS) {
      return kv.getExpiredValue();
    }
    return KeyEvent.NO_EXPIRY;
  }

  /** The db the key was read from (0 before any SELECTDB). */
  static int db(DumpKeyValuePair kv) {
    return kv.getDb() == null ? 0 : (int) kv.getDb().getDbNumber();
  }
}
