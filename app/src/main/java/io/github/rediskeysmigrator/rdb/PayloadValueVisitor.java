package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.io.RedisInputStream;
import com.moilioncircle.redis.replicator.rdb.dump.DumpRdbValueVisitor;
import java.io.IOException;

/**
 * Turns each value into a DUMP payload for the common types, faster than Redis Replicator's own
 * {@link DumpRdbValueVisitor}: that one copies every raw read through a chunked builder and
 * computes the CRC64 a byte at a time, which made parsing the bottleneck of a migration. Here the
 * bytes go into one reused array and the CRC uses {@link Crc64}. Types that are rare in practice
 * (streams, modules) keep Replicator's implementation. Hashes with field expiry are read here too,
 * in both layouts Redis 7.4 loads: the release candidates' (types 22, 23) and the final one (24,
 * 25); see {@link PayloadRdbVisitor}.
 *
 * <p>Payloads keep the file's own RDB version and encodings; nothing is converted.
 */
public final class PayloadValueVisitor extends DumpRdbValueVisitor {
  /** The RDB version of a type 26 payload (Redis 8.6). */
  private static final int STREAM_IDMP_VERSION = RdbTypes.info(RdbTypes.STREAM_LISTPACKS_4).since();

  private final PayloadCapture capture;

  /** Whether values are passed over without capture (keys a resumed run does not write). */
  private boolean skipping;

  private static final byte[] SKIPPED = new byte[0];

  /** Whether the next hash with field expiry has the pre-GA layout (no minimum expiry first). */
  private boolean preGa;

  /** Whether the next hash with field expiry is Valkey 9's type 22 ({@code RDB_TYPE_HASH_2}). */
  private boolean valkeyHash;

  /** Whether the next stream Replicator dispatches as type 21 was type 26 (RDB 13) in the file. */
  private boolean idmpStream;

  public PayloadValueVisitor(Replicator replicator) {
    this(replicator, Long.MAX_VALUE);
  }

  /** A visitor that spills values above {@code bigKeyThreshold} bytes to temporary files. */
  public PayloadValueVisitor(Replicator replicator, long bigKeyThreshold) {
    super(replicator);
    this.capture = new PayloadCapture(bigKeyThreshold);
  }

  /**
   * The temporary file the last value was spilled to (its payload in the event is then empty), or
   * null; cleared by the call.
   */
  public io.github.rediskeysmigrator.core.PayloadFile takeSpilled() {
    return capture.takeSpilled();
  }

  /**
   * Passes over the values that follow without capturing them (no copy, no CRC64): their events
   * carry an empty payload, for keys a resumed run does not write. Rare types (streams, modules)
   * are still read whole.
   */
  void skipValues(boolean skip) {
    this.skipping = skip;
  }

  /**
   * Reads one value of RDB type {@code type} by its {@link ValueLayouts layout}, capturing its
   * bytes as a payload of RDB version {@code version} unless {@link #skipValues skipping}.
   */
  @SuppressWarnings("unchecked")
  private <T> T capture(RedisInputStream in, int type, int version) throws IOException {
    if (skipping) {
      ValueLayouts.skip(new ValueSkipper(in), type);
      return (T) SKIPPED;
    }
    capture.begin(type);
    replicator.addRawByteListener(capture);
    try {
      ValueLayouts.skip(new ValueSkipper(in), type);
    } finally {
      replicator.removeRawByteListener(capture);
    }
    return (T) capture.finish(version);
  }

  @Override
  public <T> T applyString(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.STRING, version);
  }

  @Override
  public <T> T applyList(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.LIST, version);
  }

  @Override
  public <T> T applySet(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.SET, version);
  }

  @Override
  public <T> T applyHash(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.HASH, version);
  }

  @Override
  public <T> T applyZSet(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.ZSET, version);
  }

  @Override
  public <T> T applyZSet2(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.ZSET_2, version);
  }

  @Override
  public <T> T applyHashZipMap(RedisInputStream in, int version) throws IOException {
    Object payload = capture(in, RdbTypes.HASH_ZIPMAP, version);
    @SuppressWarnings("unchecked")
    T fixed = (T) (payload instanceof byte[] b ? Zipmaps.normalizeCount(b) : payload);
    return fixed;
  }

  @Override
  public <T> T applyListZipList(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.LIST_ZIPLIST, version);
  }

  @Override
  public <T> T applySetIntSet(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.SET_INTSET, version);
  }

  @Override
  public <T> T applyZSetZipList(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.ZSET_ZIPLIST, version);
  }

  @Override
  public <T> T applyHashZipList(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.HASH_ZIPLIST, version);
  }

  @Override
  public <T> T applyHashListPack(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.HASH_LISTPACK, version);
  }

  @Override
  public <T> T applyZSetListPack(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.ZSET_LISTPACK, version);
  }

  @Override
  public <T> T applySetListPack(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.SET_LISTPACK, version);
  }

  /**
   * The next hash with field expiry that Replicator dispatches as type 24 or 25 was type 22 or 23
   * in the file.
   */
  void nextHashIsPreGa() {
    preGa = true;
  }

  /**
   * The next hash with field expiry that Replicator dispatches as type 24 was Valkey 9's type 22 in
   * the file.
   */
  void nextHashIsValkey() {
    valkeyHash = true;
  }

  /**
   * The next stream that Replicator dispatches as type 21 was RDB 13's type 26 in the file: type
   * 21's layout followed by its idempotent-producer state.
   */
  void nextStreamHasIdmp() {
    idmpStream = true;
  }

  @Override
  public <T> T applyStreamListPacks3(RedisInputStream in, int version) throws IOException {
    if (!idmpStream) {
      return super.applyStreamListPacks3(in, version);
    }
    idmpStream = false;
    return capture(in, RdbTypes.STREAM_LISTPACKS_4, STREAM_IDMP_VERSION);
  }

  @Override
  public <T> T applyHashMetadata(RedisInputStream in, int version) throws IOException {
    if (valkeyHash) {
      valkeyHash = false;
      @SuppressWarnings("unchecked")
      T payload = (T) valkeyHash2(in);
      return payload;
    }
    boolean pre = preGa;
    preGa = false;
    return capture(in, pre ? RdbTypes.HASH_METADATA_PRE_GA : RdbTypes.HASH_METADATA, version);
  }

  @Override
  public <T> T applyHashListPackEx(RedisInputStream in, int version) throws IOException {
    boolean pre = preGa;
    preGa = false;
    return capture(in, pre ? RdbTypes.HASH_LISTPACK_EX_PRE_GA : RdbTypes.HASH_LISTPACK_EX, version);
  }

  @Override
  public <T> T applyListQuickList(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.LIST_QUICKLIST, version);
  }

  @Override
  public <T> T applyListQuickList2(RedisInputStream in, int version) throws IOException {
    return capture(in, RdbTypes.LIST_QUICKLIST_2, version);
  }

  /** Reads Valkey 9's hash with field TTLs as Redis 7.4's type 24: see {@link ValkeyHash2}. */
  private byte[] valkeyHash2(RedisInputStream in) throws IOException {
    return ValkeyHash2.read(
        new ValueSkipper(in), capture, what -> PayloadRdbVisitor.checkString(in, what));
  }
}
