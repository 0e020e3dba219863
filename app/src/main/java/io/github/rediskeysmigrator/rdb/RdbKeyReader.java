package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.PayloadFile;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads an RDB file key by key, each value's bytes taken as they are into its DUMP payload (type
 * byte, value, RDB version, CRC64): the top level of Redis' rdbLoad (opcodes, then keys), with
 * {@link ValueLayouts} to find where a value ends without decoding it. No object is made per key
 * but its name and its payload.
 *
 * <p>Written for the {@code rdb} path (issue 26): Redis Replicator allocated about 2 KB per key
 * there (an event context holding a ConcurrentHashMap, key-value pair objects, a one-byte array per
 * byte read for its raw-byte listeners), which bounded a migration's speed. The PSYNC path keeps
 * Replicator ({@link PayloadRdbVisitor}).
 *
 * <p>The payloads are the ones {@link PayloadRdbVisitor} makes: stamped with the file's RDB
 * version, 12 for the values of an RDB 13 file but its type 26 streams (13), 11 for a Valkey 9
 * file's, whose type 22 hashes become Redis 7.4's type 24 ({@link ValkeyHash2}). Opcodes read and
 * passed over: AUX (also between a key's expiry and its type, as KeyDB writes them), SELECTDB,
 * RESIZEDB, EXPIRETIME(_MS), IDLE, FREQ, MODULE_AUX, SLOT_INFO, Valkey 9's slot import, Redis
 * Enterprise's RAM-LRU; function libraries are kept as FUNCTION DUMP payloads.
 */
public final class RdbKeyReader {
  private static final int BUFFER = 1 << 16;
  private static final byte[] NOT_CAPTURED = new byte[0];

  private final RdbInput in;
  private final ValueSkipper skipper;
  private final PayloadCapture capture;
  private final PayloadCapture functionCapture = new PayloadCapture(Long.MAX_VALUE);
  private final int version;
  private final boolean valkey;
  private final int payloadVersion;
  private Consumer<byte[]> functions = f -> {};
  private boolean captureValues = true;
  private int luaScripts;

  private int db;
  private byte[] key;
  private int type;
  private long expireAtMs;
  private byte[] payload;

  private RdbKeyReader(RdbInput in, int version, boolean valkey, long bigKeyThreshold) {
    this.in = in;
    this.skipper = new ValueSkipper(in);
    this.capture = new PayloadCapture(bigKeyThreshold);
    this.version = version;
    this.valkey = valkey;
    this.payloadVersion =
        valkey
            ? PayloadRdbVisitor.VALKEY_PAYLOAD_VERSION
            : version == RdbHeader.REDIS_13 ? PayloadRdbVisitor.REDIS_13_AS : version;
  }

  /**
   * A reader of the RDB data in {@code in} (decompressed), whose header it reads.
   *
   * @param bound the most bytes {@code in} can hold: see {@link RdbFiles#dataBound}
   * @param bigKeyThreshold payload bytes above which a value is spilled to a temporary file
   */
  public static RdbKeyReader open(InputStream in, long bound, long bigKeyThreshold)
      throws IOException {
    RdbInput input = new RdbInput(in, BUFFER, bound);
    try {
      String magic = new String(input.bytes(5), StandardCharsets.ISO_8859_1);
      if (magic.equals("VALKE") && input.u8() == 'Y') {
        String v = new String(input.bytes(3), StandardCharsets.ISO_8859_1);
        if (!v.equals("080")) {
          throw new IOException(
              "Valkey RDB format version '" + v + "' cannot be read (only 080, Valkey 9)");
        }
        return new RdbKeyReader(input, RdbHeader.VALKEY_9, true, bigKeyThreshold);
      }
      if (!magic.equals("REDIS")) {
        throw new IOException("not an RDB file (magic '" + magic + "')");
      }
      String digits = new String(input.bytes(4), StandardCharsets.ISO_8859_1);
      int version;
      try {
        version = Integer.parseInt(digits);
      } catch (NumberFormatException e) {
        throw new IOException("bad RDB version '" + digits + "'", e);
      }
      if (version < RdbHeader.MIN_VERSION || version > RdbHeader.MAX_VERSION) {
        throw new IOException("can't handle RDB format version " + version);
      }
      return new RdbKeyReader(input, version, false, bigKeyThreshold);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Where the FUNCTION DUMP payload of each function library goes, as it is read. */
  public RdbKeyReader onFunction(Consumer<byte[]> functions) {
    this.functions = functions;
    return this;
  }

  /**
   * Whether the values of the keys that follow are captured; when not, they are passed over and
   * {@link #payload} is empty (keys a resumed run already wrote).
   */
  public void captureValues(boolean capture) {
    this.captureValues = capture;
  }

  /**
   * Reads on to the next key.
   *
   * @return false at the end marker (its checksum read)
   * @throws EOFException when the data ends before the end marker
   * @throws BoundedRdbInput.BadLengthException for a length the file cannot hold
   * @throws IOException for any other corrupt structure, or the stream's own failure
   */
  public boolean next() throws IOException {
    try {
      return readNext();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (DecodeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private boolean readNext() throws IOException, DecodeException {
    long expire = KeyEvent.NO_EXPIRY;
    while (true) {
      int t = in.u8();
      switch (t) {
        case RdbTypes.OPCODE_EXPIRETIME -> expire = (int) in.le(4) * 1000L;
        case RdbTypes.OPCODE_EXPIRETIME_MS -> expire = in.le(8);
        case RdbTypes.OPCODE_FREQ -> in.u8();
        case RdbTypes.OPCODE_IDLE, RdbTypes.OPCODE_RAM_LRU -> in.length();
        case RdbTypes.OPCODE_SELECTDB -> db = (int) in.length();
        case RdbTypes.OPCODE_RESIZEDB -> {
          in.length();
          in.length();
        }
        case RdbTypes.OPCODE_SLOT_INFO -> {
          in.length(); // slot
          in.length(); // keys
          in.length(); // keys with an expiry
        }
        case RdbTypes.OPCODE_AUX -> {
          byte[] name = string("an AUX field name");
          skipper.string();
          if (name.length == 3 && name[0] == 'l' && name[1] == 'u' && name[2] == 'a') {
            luaScripts++;
          }
        }
        case RdbTypes.OPCODE_MODULE_AUX -> {
          in.length(); // module id
          ValueLayouts.moduleValue(skipper);
        }
        case RdbTypes.OPCODE_FUNCTION2, RdbTypes.OPCODE_FUNCTION_PRE_GA -> function(t);
        case RdbTypes.OPCODE_EOF -> {
          if (version >= 5) {
            in.skip(8); // checksum, checked before reading (RdbChecksum)
          }
          return false;
        }
        default -> {
          if (valkey && t == RdbTypes.OPCODE_SLOT_IMPORT) {
            slotImport();
          } else if (t >= RdbTypes.FIRST_OPCODE || RdbTypes.info(t) == null) {
            throw new IOException("unexpected value type:" + t);
          } else {
            readKey(t, expire);
            return true;
          }
        }
      }
    }
  }

  private void readKey(int t, long expire) throws IOException, DecodeException {
    type = t;
    expireAtMs = expire;
    key = string("a key name");
    if (!captureValues) {
      if (valkey && t == RdbTypes.VALKEY_HASH_2) {
        ValueLayouts.skipValkeyHash2(skipper);
      } else {
        ValueLayouts.skip(skipper, t);
      }
      payload = NOT_CAPTURED;
      return;
    }
    if (valkey && t == RdbTypes.VALKEY_HASH_2) {
      payload = ValkeyHash2.read(skipper, capture, what -> {});
      return;
    }
    capture.begin(t);
    in.startCapture(capture);
    ValueLayouts.skip(skipper, t);
    in.endCapture();
    byte[] p =
        capture.finish(t == RdbTypes.STREAM_LISTPACKS_4 ? RdbHeader.REDIS_13 : payloadVersion);
    payload = t == RdbTypes.HASH_ZIPMAP && p.length > 0 ? Zipmaps.normalizeCount(p) : p;
  }

  /** A function library, kept as its FUNCTION DUMP payload. */
  private void function(int opcode) throws IOException {
    functionCapture.begin(opcode);
    in.startCapture(functionCapture);
    if (opcode == RdbTypes.OPCODE_FUNCTION_PRE_GA) {
      skipper.string(); // name
      skipper.string(); // engine
      if (skipper.length() == 1) {
        skipper.string(); // description
      }
    }
    skipper.string(); // code
    in.endCapture();
    functions.accept(functionCapture.finish(payloadVersion));
  }

  /** Valkey 9's slot import under way: nothing a destination needs. */
  private void slotImport() throws IOException, DecodeException {
    string("a slot import's name");
    long ranges = in.length();
    for (long i = 0; i < ranges; i++) {
      in.length(); // first slot
      in.length(); // last slot
    }
  }

  /**
   * A string read whole (a key name, an AUX field name), its length checked before anything is
   * allocated for it.
   */
  private byte[] string(String what) throws IOException, DecodeException {
    int first = in.peek();
    if (!RdbReader.isEncoded(first)) {
      long n = in.length();
      in.check(n, what);
      if (n > Integer.MAX_VALUE - 8) {
        throw BoundedRdbInput.BadLengthException.overOnePiece(in.position(), n, what);
      }
      return in.bytes((int) n);
    }
    if (!RdbReader.isLzf(first)) {
      return in.string(); // an integer
    }
    in.u8();
    long compressed = in.length();
    long plain = in.length();
    in.check(compressed, what + ", compressed");
    if (Long.compareUnsigned(plain, Lzf.maxExpansion(compressed)) > 0
        || plain > Integer.MAX_VALUE) {
      throw BoundedRdbInput.BadLengthException.overExpansion(
          in.position(), compressed, plain, what);
    }
    return Lzf.decompress(in.bytes((int) compressed), (int) plain);
  }

  /** The database of the last key read (0 before any SELECTDB). */
  public int db() {
    return db;
  }

  /** The name of the last key read. */
  public byte[] key() {
    return key;
  }

  /** The RDB value type of the last key read, as the file has it. */
  public int type() {
    return type;
  }

  /** The absolute expiry of the last key read, or {@link KeyEvent#NO_EXPIRY}. */
  public long expireAtMs() {
    return expireAtMs;
  }

  /**
   * The DUMP payload of the last key read; empty when it was spilled to a file ({@link
   * #takeSpilled}) or not captured.
   */
  public byte[] payload() {
    return payload;
  }

  /** The file the last key's payload was spilled to, or null; cleared by the call. */
  public PayloadFile takeSpilled() {
    return capture.takeSpilled();
  }

  /** Bytes of RDB data consumed: after {@link #next}, where the last key or the end marker ends. */
  public long position() {
    return in.position();
  }

  /** How many Lua scripts of the EVAL cache (AUX fields named {@code lua}) were read. */
  public int luaScripts() {
    return luaScripts;
  }
}
