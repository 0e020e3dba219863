package io.github.rediskeysmigrator.core;

/**
 * One key read from a source, ready to be filtered and written.
 *
 * @param db the database the key lives in (after any mapping: the destination db once mapped)
 * @param key the key's bytes; never mutated after construction
 * @param type the key's data type, null for a gone key
 * @param expireAtMs absolute expiry in Unix milliseconds, or {@link #NO_EXPIRY}
 * @param payload the value serialized as a DUMP payload (type byte, body, RDB version, CRC64), or
 *     null for a key that was listed but gone by the time its value was read
 * @param sourceDb the database the key was read from, kept for error messages after mapping
 */
public record KeyEvent(
    int db, byte[] key, KeyType type, long expireAtMs, byte[] payload, int sourceDb)
    implements SourceEvent {

  /** Marker for a key without a TTL. */
  public static final long NO_EXPIRY = -1L;

  /** A key read from {@code db}, not yet mapped. */
  public static KeyEvent of(int db, byte[] key, KeyType type, long expireAtMs, byte[] payload) {
    return new KeyEvent(db, key, type, expireAtMs, payload, db);
  }

  /** A key the source listed (e.g. by SCAN) that no longer existed when its value was read. */
  public static KeyEvent gone(int db, byte[] key) {
    return new KeyEvent(db, key, null, NO_EXPIRY, null, db);
  }

  /** Whether this key vanished at the source before its value could be read. */
  public boolean isGone() {
    return payload == null;
  }

  /** Whether the key carries a TTL. */
  public boolean hasExpiry() {
    return expireAtMs != NO_EXPIRY;
  }

  /** The same key, to be written into {@code targetDb}. */
  public KeyEvent inDb(int targetDb) {
    return targetDb == db ? this : new KeyEvent(targetDb, key, type, expireAtMs, payload, sourceDb);
  }

  @Override
  public long weight() {
    return key.length + (payload == null ? 0L : payload.length) + 64;
  }

  /** The RDB version stamped into the payload's footer. */
  public int payloadRdbVersion() {
    return payload == null || payload.length < 10 ? -1 : payload[payload.length - 10] & 0xff;
  }
}
