package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;

/**
 * Which RDB value types a server reads, by the RDB version it writes, and DUMP payloads restamped
 * with a destination's own version so that its RESTORE takes them as they are.
 *
 * <p>RESTORE refuses a payload whose footer names an RDB version newer than the server's (and
 * Valkey 9, with its default {@code rdb-version-check strict}, also refuses Redis' versions 12 to
 * 79), although the value encodings of types 0 to 21 are the same on Redis and Valkey of every
 * version that reads them. A payload of such a type gets the destination's version in its footer,
 * the CRC64 computed again, and is restored instead of rewritten as plain commands. The types from
 * 22 on are numbered apart: Redis 7.4+ writes its hashes with field TTLs as 22 to 25 and Redis 8.6
 * its streams as 26, Valkey 9 its hashes with field TTLs as 22, with another encoding; such a
 * payload is restamped only for a server of the same family that reads the type.
 *
 * <p>Which version reads a type comes from the {@link RdbTypes} catalogue: a server reads a type
 * from the catalogue's "since" version on. Module values are never restamped: the module reads
 * them, not the server, so no RDB version says whether the destination can (Redis 8's vector sets
 * into Valkey, for one, cannot); they go as they are or not at all.
 *
 * <p>Every rule here is proved against real servers by the restamp matrix tests (Redis 8.6 into
 * Valkey 9.1 and 8.0, Valkey 9.1 into Redis 8.6 and 7.4, and the older destinations of the corpus).
 */
public final class PayloadStamps {
  private PayloadStamps() {}

  /**
   * Whether a server writing RDB version {@code serverVersion} reads a value of {@code type} taken
   * from a payload of RDB version {@code payloadVersion}, with the same encoding.
   */
  public static boolean reads(int serverVersion, int type, int payloadVersion) {
    boolean valkeyServer = serverVersion >= RdbHeader.VALKEY_9;
    RdbTypes.Info info = RdbTypes.info(type);
    if (info == null || info.family() == KeyType.MODULE) {
      return false;
    }
    if (type <= RdbTypes.LAST_SHARED) {
      // Valkey 9 (80) reads every shared type; its numbering left 12 to 79 to Redis.
      return valkeyServer || serverVersion >= info.since();
    }
    boolean valkeyPayload = payloadVersion >= RdbHeader.VALKEY_9;
    if (valkeyPayload || valkeyServer) {
      return valkeyPayload && valkeyServer && type == RdbTypes.VALKEY_HASH_2;
    }
    return serverVersion >= info.since();
  }

  /**
   * Whether {@link #forServer} turns a payload of {@code type} and RDB version {@code
   * payloadVersion} into one that a server writing {@code serverVersion} restores.
   */
  public static boolean restorable(int serverVersion, int type, int payloadVersion) {
    return reads(serverVersion, type, payloadVersion)
        || (type == RdbTypes.STREAM_LISTPACKS_4
            && payloadVersion < RdbHeader.VALKEY_9
            && reads(serverVersion, RdbTypes.STREAM_LISTPACKS_3, payloadVersion));
  }

  /**
   * The payload of a key, changed for a server writing RDB version {@code serverVersion}.
   *
   * @param payload the DUMP payload to write, restamped or converted
   * @param idmpLeftOut whether a non-empty idempotent-producer state was left out on the way
   */
  public record Stamped(byte[] payload, boolean idmpLeftOut) {}

  /**
   * {@code payload} as a server writing RDB version {@code serverVersion} restores it: restamped
   * with that version when the server reads its type; a Redis 8.6 stream (type 26) for a server
   * that reads streams of type 21 but not 26 becomes that type 21 stream, its IDMP state left out.
   * Null when the server reads neither: the key must be rewritten as plain commands.
   *
   * @throws DecodeException when a type 26 payload that must be converted is corrupt
   */
  public static Stamped forServer(byte[] payload, int serverVersion) throws DecodeException {
    if (payload.length < 11) {
      return null;
    }
    int type = payload[0] & 0xff;
    int version = KeyEvent.rdbVersionOf(payload);
    if (reads(serverVersion, type, version)) {
      return new Stamped(restamp(payload, serverVersion), false);
    }
    if (restorable(serverVersion, type, version)) {
      PayloadDecoder.SplitStream split = PayloadDecoder.splitIdmp(payload, serverVersion);
      return new Stamped(split.payload(), !split.idmp().producers().isEmpty());
    }
    return null;
  }

  /**
   * A copy of {@code payload} with {@code version} in its footer and its CRC64 computed again; the
   * body is not read.
   */
  public static byte[] restamp(byte[] payload, int version) {
    byte[] out = payload.clone();
    Crc64.seal(out, out.length - 10, version);
    return out;
  }
}
