package io.github.rediskeysmigrator.sink;

/**
 * An error reply from Redis, translated once at the boundary into the few kinds we decide on.
 *
 * @param kind what kind of error it is
 * @param message the server's reply text
 */
public record RedisError(Kind kind, String message) {

  /** The kinds of errors that lead to different decisions. */
  public enum Kind {
    /** The key exists (RESTORE without REPLACE): skipped by policy. */
    BUSY_KEY,
    /** The destination is out of memory. */
    OUT_OF_MEMORY,
    /** The destination is a read-only replica. */
    READ_ONLY,
    /** The destination is still loading its dataset. */
    LOADING,
    /** The destination is busy running a script or function. */
    BUSY,
    /** Authentication or ACL permission denied. */
    AUTH,
    /** The payload was rejected (bad format, wrong version, unknown module type). */
    BAD_PAYLOAD,
    /** Anything else. */
    OTHER
  }

  /** Classifies a Redis error reply by its error code (the first word). */
  public static RedisError of(String message) {
    String m = message == null ? "" : message;
    Kind kind;
    if (m.startsWith("BUSYKEY")) {
      kind = Kind.BUSY_KEY;
    } else if (m.startsWith("OOM")) {
      kind = Kind.OUT_OF_MEMORY;
    } else if (m.startsWith("READONLY")) {
      kind = Kind.READ_ONLY;
    } else if (m.startsWith("LOADING")) {
      kind = Kind.LOADING;
    } else if (m.startsWith("BUSY ")) {
      kind = Kind.BUSY;
    } else if (m.startsWith("NOAUTH") || m.startsWith("WRONGPASS") || m.startsWith("NOPERM")) {
      kind = Kind.AUTH;
    } else if (m.contains("DUMP payload") || m.contains("Bad data format")) {
      kind = Kind.BAD_PAYLOAD;
    } else {
      kind = Kind.OTHER;
    }
    return new RedisError(kind, m);
  }
}
