package io.github.rediskeysmigrator.rdb;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Valkey 9's hash with field TTLs ({@code RDB_TYPE_HASH_2}: a count, then field, value and
 * absolute expiry in ms, -1 for none, each) into the payload Redis 7.4 writes for the same hash:
 * type 24 (the smallest expiry, then per field its expiry relative to it plus 1, 0 for none),
 * stamped RDB 12. Redis 7.4 and later RESTORE it; for older destinations and Valkey, the rewrite
 * path turns it into HSET and HPEXPIREAT. Without any expiry it is a plain hash (type 4, RDB 11).
 * The fields are held in memory until the smallest expiry is known, then captured (and spilled past
 * the big-key threshold).
 */
final class ValkeyHash2 {
  /** The RDB version of a type 24 payload (Redis 7.4). */
  private static final int HASH_TTL_VERSION = RdbTypes.info(RdbTypes.HASH_METADATA).since();

  private ValkeyHash2() {}

  /** A check made before a string is read, naming what it is. */
  @FunctionalInterface
  interface StringCheck {
    void before(String what) throws IOException;
  }

  /** One field of a Valkey 9 hash, with its absolute expiry (-1 for none). */
  private record Field(byte[] field, byte[] value, long expireAtMs) {}

  /** Reads one hash through {@code parser} and seals it with {@code capture}. */
  static byte[] read(ValueSkipper parser, PayloadCapture capture, StringCheck check)
      throws IOException {
    long n = parser.count("a collection's element count");
    if (n > Integer.MAX_VALUE / 2) {
      throw new BoundedRdbInput.BadLengthException(
          "a hash with field TTLs says it has " + Long.toUnsignedString(n) + " fields");
    }
    List<Field> fields = new ArrayList<>();
    long min = Long.MAX_VALUE;
    for (long i = 0; i < n; i++) {
      check.before("a hash field");
      byte[] field = parser.stringBytes();
      check.before("a hash value");
      byte[] value = parser.stringBytes();
      long at = parser.millis();
      fields.add(new Field(field, value, at));
      if (at >= 0) {
        min = Math.min(min, at);
      }
    }
    boolean ttls = min != Long.MAX_VALUE;
    capture.begin(ttls ? RdbTypes.HASH_METADATA : RdbTypes.HASH);
    if (ttls) {
      capture.handle(RdbEncoding.int64(min));
    }
    capture.handle(RdbEncoding.length(n));
    for (Field f : fields) {
      if (ttls) {
        capture.handle(RdbEncoding.length(f.expireAtMs() < 0 ? 0 : f.expireAtMs() - min + 1));
      }
      capture.handle(RdbEncoding.string(f.field()));
      capture.handle(RdbEncoding.string(f.value()));
    }
    return capture.finish(ttls ? HASH_TTL_VERSION : PayloadRdbVisitor.VALKEY_PAYLOAD_VERSION);
  }
}
