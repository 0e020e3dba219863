package io.github.rediskeysmigrator.redis;

import io.github.rediskeysmigrator.rdb.RdbHeader;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;

/**
 * What we need to know of a server before writing to it: its version, so the newest RDB version its
 * RESTORE accepts and the commands a key rewritten for it may use.
 *
 * @param product "redis" or "valkey"
 * @param version the product's version, e.g. 7.0.15
 * @param maxRdbVersion newest RDB version of DUMP payloads RESTORE accepts
 */
public record ServerInfo(String product, String version, int maxRdbVersion) {

  /** Reads {@code INFO server} over {@code conn}. */
  public static ServerInfo query(Connection conn) {
    conn.sendCommand(Protocol.Command.INFO, "server");
    return parse(conn.getBulkReply());
  }

  /** Parses the text of {@code INFO server}. */
  public static ServerInfo parse(String info) {
    Map<String, String> fields = fields(info);
    String valkey = fields.get("valkey_version");
    if (valkey != null) {
      return new ServerInfo("valkey", valkey, valkeyRdb(parseVersion(valkey)));
    }
    String redis = fields.getOrDefault("redis_version", "0.0.0");
    return new ServerInfo("redis", redis, redisRdb(parseVersion(redis)));
  }

  /** The {@code name:value} fields of an INFO reply of any section, by name. */
  public static Map<String, String> fields(String info) {
    Map<String, String> fields = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  /**
   * {@code master_repl_offset} of {@code INFO replication} over {@code conn}, or -1 when the reply
   * has none.
   */
  public static long replicationOffset(Connection conn) {
    conn.sendCommand(Protocol.Command.INFO, "replication");
    String info = conn.getBulkReply();
    String offset = info == null ? null : fields(info).get("master_repl_offset");
    return offset == null ? -1 : Long.parseLong(offset);
  }

  /**
   * Whether RESTORE takes a payload of RDB version {@code rdbVersion}: up to {@link
   * #maxRdbVersion}, except that Valkey 9 (whose own version is 80) refuses Redis' versions 12 to
   * 79, which Valkey leaves to Redis and does not read.
   */
  public boolean restores(int rdbVersion) {
    if (rdbVersion > maxRdbVersion) {
      return false;
    }
    return !(valkeyNumbering() && rdbVersion > 11 && rdbVersion < RdbHeader.VALKEY_9);
  }

  /** Whether the server numbers RDB versions as Valkey 9 does (80 after 11). */
  private boolean valkeyNumbering() {
    return product.equals("valkey") && maxRdbVersion >= RdbHeader.VALKEY_9;
  }

  /** The RDB versions {@link #restores} takes, in words. */
  public String restorableVersions() {
    return valkeyNumbering()
        ? "RDB versions up to 11 and 80"
        : "RDB versions up to " + maxRdbVersion;
  }

  /** Whether RESTORE takes the ABSTTL flag (Redis 5.0 and later, every Valkey). */
  public boolean supportsAbsTtl() {
    // Every version that writes RDB 9 or newer is 5.0 or newer.
    return maxRdbVersion >= 9;
  }

  /** Whether PEXPIRETIME exists (Redis 7.0+, Valkey). */
  public boolean supportsExpireTime() {
    return maxRdbVersion >= 10;
  }

  /** Whether hash fields can carry a TTL (HPEXPIREAT): Redis 7.4+, Valkey 9+. */
  public boolean supportsHashFieldTtl() {
    return product.equals("valkey") ? atLeast(9, 0) : atLeast(7, 4);
  }

  /** Whether HSETEX, HGETEX and HGETDEL exist (Redis 8.0+, Valkey 9.0+). */
  public boolean supportsHashFieldCommands() {
    return product.equals("valkey") ? atLeast(9, 0) : atLeast(8, 0);
  }

  /** Whether streams take idempotent producers (XADD IDMP, XCFGSET): Redis 8.6+. */
  public boolean supportsIdmp() {
    return product.equals("redis") && atLeast(8, 6);
  }

  /**
   * Whether XIDMPRECORD exists (Redis 8.6.2+): it records an idempotent id for an entry added with
   * an explicit id, which XADD IDMP itself refuses from a client.
   */
  public boolean supportsIdmpRecord() {
    int[] v = parseVersion(version);
    return supportsIdmp() && (atLeast(8, 7) || v[2] >= 2);
  }

  /** Whether vector sets (VADD, VREM, VSETATTR) exist: Redis 8.0+, no Valkey. */
  public boolean supportsVectorSets() {
    return product.equals("redis") && atLeast(8, 0);
  }

  /** Whether XDELEX, XACKDEL and the KEEPREF / DELREF / ACKED options exist: Redis 8.2+. */
  public boolean supportsStreamRefs() {
    return product.equals("redis") && atLeast(8, 2);
  }

  /** Whether DELEX and SET's IFNE / IFDEQ / IFDNE exist: Redis 8.4+. */
  public boolean supportsDelex() {
    return product.equals("redis") && atLeast(8, 4);
  }

  /** Whether SET takes IFEQ: Redis 8.4+, Valkey 8.1+. */
  public boolean supportsSetIfEq() {
    return product.equals("valkey") ? atLeast(8, 1) : atLeast(8, 4);
  }

  /** Whether MSETEX exists: Redis 8.4+, Valkey 9.1+. */
  public boolean supportsMsetex() {
    return product.equals("valkey") ? atLeast(9, 1) : atLeast(8, 4);
  }

  /**
   * Whether streams keep the counters of Redis 7.0 (XSETID ENTRIESADDED / MAXDELETEDID, XGROUP
   * CREATE ENTRIESREAD).
   */
  public boolean supportsStreamCounters() {
    return product.equals("valkey") || atLeast(7, 0);
  }

  /** Whether XGROUP CREATECONSUMER exists (Redis 6.2+, Valkey). */
  public boolean supportsCreateConsumer() {
    return product.equals("valkey") || atLeast(6, 2);
  }

  /** Whether streams exist at all (Redis 5.0+). */
  public boolean supportsStreams() {
    return product.equals("valkey") || atLeast(5, 0);
  }

  /** Whether the product's version is {@code major.minor} or newer. */
  public boolean atLeast(int major, int minor) {
    int[] v = parseVersion(version);
    return v[0] > major || (v[0] == major && v[1] >= minor);
  }

  @Override
  public String toString() {
    return product + " " + version;
  }

  private static int redisRdb(int[] v) {
    int major = v[0];
    int minor = v[1];
    // RDB 13 came with Redis 8.6 (redis/librdb's redisver.h: 7.4, 8.0, 8.2 and 8.4 write 12).
    if (major > 8 || (major == 8 && minor >= 6)) {
      return RdbHeader.REDIS_13;
    }
    if (major >= 8 || (major == 7 && minor >= 4)) {
      return 12;
    }
    if (major == 7 && minor >= 2) {
      return 11;
    }
    if (major == 7) {
      return 10;
    }
    if (major >= 5) {
      return 9;
    }
    if (major == 4) {
      return 8;
    }
    if (major == 3 && minor >= 2) {
      return 7;
    }
    return 6;
  }

  private static int valkeyRdb(int[] v) {
    // Valkey 7.2 and 8.x write RDB 11; Valkey 9 moved to its own numbering (80).
    return v[0] >= 9 ? RdbHeader.VALKEY_9 : 11;
  }

  private static int[] parseVersion(String s) {
    String[] parts = s.split("\\.");
    int[] v = new int[3];
    for (int i = 0; i < v.length && i < parts.length; i++) {
      try {
        v[i] = Integer.parseInt(parts[i].replaceAll("\\D.*", ""));
      } catch (NumberFormatException e) {
        v[i] = 0;
      }
    }
    return v;
  }
}
