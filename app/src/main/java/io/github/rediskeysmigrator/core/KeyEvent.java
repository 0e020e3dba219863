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
 * @param file the payload of a big key, kept in a temporary file (then {@code payload} is empty),
 *     or null
 * @param change what the writer changed in the payload for the destination
 */
public record KeyEvent(
    int db,
    byte[] key,
    KeyType type,
    long expireAtMs,
    byte[] payload,
    int sourceDb,
    PayloadFile file,
    PayloadChange change)
    implements SourceEvent {

  private static final byte[] IN_FILE = new byte[0];

  /** What the writer changed in a key's payload so that the destination takes it. */
  public enum PayloadChange {
    /** Nothing: the payload goes as it was read. */
    NONE,
    /** The payload carries the destination's RDB version (and CRC64) instead of its own. */
    RESTAMPED,
    /**
     * The value was decoded and written again in plain encodings the destination reads: counted as
     * rewritten, though it goes in one RESTORE.
     */
    REENCODED,
    /**
     * The destination cannot hold the stream's non-empty idempotent-producer (IDMP) state: the key
     * is written without it.
     */
    IDMP_LEFT_OUT
  }

  /** A big key read from {@code db}, its payload in {@code file}. */
  public static KeyEvent inFile(
      int db, byte[] key, KeyType type, long expireAtMs, PayloadFile file) {
    return new KeyEvent(db, key, type, expireAtMs, IN_FILE, db, file, PayloadChange.NONE);
  }

  /** Marker for a key without a TTL. */
  public static final long NO_EXPIRY = -1L;

  /** A key read from {@code db}, not yet mapped. */
  public static KeyEvent of(int db, byte[] key, KeyType type, long expireAtMs, byte[] payload) {
    return new KeyEvent(db, key, type, expireAtMs, payload, db, null, PayloadChange.NONE);
  }

  /** A key the source listed (e.g. by SCAN) that no longer existed when its value was read. */
  public static KeyEvent gone(int db, byte[] key) {
    return new KeyEvent(db, key, null, NO_EXPIRY, null, db, null, PayloadChange.NONE);
  }

  /** Whether this key vanished at the source before its value could be read. */
  public boolean isGone() {
    return payload == null;
  }

  /** Deletes the temporary file of a big key's payload, if it has one: the key is booked. */
  public void release() {
    if (file != null) {
      file.delete();
    }
  }

  /** Whether the key carries a TTL. */
  public boolean hasExpiry() {
    return expireAtMs != NO_EXPIRY;
  }

  /** The same key, to be written into {@code targetDb}. */
  public KeyEvent inDb(int targetDb) {
    return targetDb == db
        ? this
        : new KeyEvent(targetDb, key, type, expireAtMs, payload, sourceDb, file, change);
  }

  /** The same key under another name (renamed for the destination). */
  public KeyEvent withKey(byte[] newKey) {
    return new KeyEvent(db, newKey, type, expireAtMs, payload, sourceDb, file, change);
  }

  /** The same key with {@code newPayload}, changed for the destination as {@code how} says. */
  public KeyEvent withPayload(byte[] newPayload, PayloadChange how) {
    return new KeyEvent(db, key, type, expireAtMs, newPayload, sourceDb, file, how);
  }

  /** The same key, marked as written without its stream's non-empty IDMP state. */
  public KeyEvent withoutIdmp() {
    return new KeyEvent(
        db, key, type, expireAtMs, payload, sourceDb, file, PayloadChange.IDMP_LEFT_OUT);
  }

  @Override
  public long weight() {
    return key.length + (payload == null ? 0L : payload.length) + 64;
  }

  /** The RDB version stamped into the payload's footer. */
  public int payloadRdbVersion() {
    if (file != null) {
      return file.rdbVersion();
    }
    return payload == null ? -1 : rdbVersionOf(payload);
  }

  /** The RDB value type of the payload (its first byte), or -1 for a gone key. */
  public int payloadRdbType() {
    if (file != null) {
      return file.rdbType();
    }
    return payload == null || payload.length == 0 ? -1 : payload[0] & 0xff;
  }

  /**
   * The RDB version in a DUMP payload's footer (two bytes, little-endian), or -1 when it is too
   * short to have one.
   */
  public static int rdbVersionOf(byte[] payload) {
    int end = payload.length - 10;
    return end < 0 ? -1 : (payload[end] & 0xff) | (payload[end + 1] & 0xff) << 8;
  }
}
