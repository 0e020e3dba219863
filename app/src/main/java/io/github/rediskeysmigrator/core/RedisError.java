package io.github.rediskeysmigrator.core;

/**
 * An error reply from Redis, translated once at the boundary into the few kinds we decide on. This
 * is the one place that reads a reply's error code: everyone else asks {@link #kind()}, {@link
 * #redirect()} or {@link #node()}.
 *
 * @param kind what kind of error it is
 * @param message the server's reply text
 * @param node the node a MOVED or ASK reply names ({@code host:port}), else null
 */
public record RedisError(Kind kind, String message, String node) {

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
    /** A cluster node does not own the key's slot: another node (in {@link #node}) does. */
    MOVED,
    /** The key's slot is being moved: ask the importing node (in {@link #node}) with ASKING. */
    ASK,
    /** The keys of a slot being moved are not all in one place yet: try again later. */
    TRY_AGAIN,
    /** The cluster cannot serve the slot now (a failover, a node down). */
    CLUSTER_DOWN,
    /** The command's keys are in different hash slots. */
    CROSS_SLOT,
    /** A transaction was discarded at EXEC because a command could not be queued. */
    EXEC_ABORT,
    /** The destination does not know the command (an older version, another server). */
    UNKNOWN_COMMAND,
    /** Anything else. */
    OTHER
  }

  /** Classifies a Redis error reply by its error code (the first word). */
  public static RedisError of(String message) {
    String m = message == null ? "" : message;
    String code = m.indexOf(' ') < 0 ? m : m.substring(0, m.indexOf(' '));
    Kind kind =
        switch (code) {
          case "BUSYKEY" -> Kind.BUSY_KEY;
          case "OOM" -> Kind.OUT_OF_MEMORY;
          case "READONLY" -> Kind.READ_ONLY;
          case "LOADING" -> Kind.LOADING;
          case "BUSY" -> Kind.BUSY;
          case "NOAUTH", "WRONGPASS", "NOPERM" -> Kind.AUTH;
          case "MOVED" -> Kind.MOVED;
          case "ASK" -> Kind.ASK;
          case "TRYAGAIN" -> Kind.TRY_AGAIN;
          case "CLUSTERDOWN" -> Kind.CLUSTER_DOWN;
          case "CROSSSLOT" -> Kind.CROSS_SLOT;
          case "EXECABORT" -> Kind.EXEC_ABORT;
          default -> other(m);
        };
    return new RedisError(kind, m, kind == Kind.MOVED || kind == Kind.ASK ? node(m) : null);
  }

  private static Kind other(String m) {
    if (m.startsWith("ERR unknown command")) {
      return Kind.UNKNOWN_COMMAND;
    }
    if (m.contains("DUMP payload") || m.contains("Bad data format")) {
      return Kind.BAD_PAYLOAD;
    }
    return Kind.OTHER;
  }

  /** The {@code host:port} of {@code MOVED|ASK <slot> <host>:<port>}, or null when malformed. */
  private static String node(String m) {
    String[] words = m.split(" ");
    return words.length == 3 && words[2].lastIndexOf(':') > 0 ? words[2] : null;
  }

  /**
   * Whether the cluster redirected the command (MOVED, ASK, TRYAGAIN, CLUSTERDOWN): it is sent
   * again once the slot map is read anew, or to the node an ASK names.
   */
  public boolean redirect() {
    return kind == Kind.MOVED
        || kind == Kind.ASK
        || kind == Kind.TRY_AGAIN
        || kind == Kind.CLUSTER_DOWN;
  }
}
