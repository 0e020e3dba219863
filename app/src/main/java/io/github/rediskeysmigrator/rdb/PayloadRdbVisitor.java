package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.event.Event;
import com.moilioncircle.redis.replicator.io.RedisInputStream;
import com.moilioncircle.redis.replicator.rdb.BaseRdbParser;
import com.moilioncircle.redis.replicator.rdb.datatype.ContextKeyValuePair;
import com.moilioncircle.redis.replicator.rdb.dump.DumpRdbVisitor;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Redis Replicator's {@link DumpRdbVisitor} (every key as a DUMP payload, through {@link
 * PayloadValueVisitor}), with two places where Redis reads a file that Replicator 3.11.0 refuses:
 *
 * <ul>
 *   <li>AUX fields between a key's expiry (or LRU/LFU) opcode and its value type. KeyDB writes one
 *       ({@code mvcc-tstamp}) before each key. Redis' loader treats every opcode alike and keeps
 *       the expiry for the next key; Replicator's {@code DefaultRdbVisitor.applyExpireTimeMs}
 *       expects the value type right after the expiry and fails with "unexpected value type:250".
 *   <li>Hashes with field expiry written by the Redis 7.4 release candidates, value types 22
 *       (RDB_TYPE_HASH_METADATA_PRE_GA) and 23 (RDB_TYPE_HASH_LISTPACK_EX_PRE_GA): the same as 24
 *       and 25 without the leading minimum-expiry time. Replicator only knows 24 and 25 and fails
 *       with "unexpected value type:22". Redis 7.4 and later load and RESTORE both; the payload
 *       keeps the type it had in the file.
 *   <li>Valkey 9 files ({@code VALKEY080}, RDB version 80), which Replicator refuses at the magic.
 *       They differ from RDB 11 (Valkey 8) in three places: the magic, the slot-import opcode (243:
 *       the state of an atomic slot migration under way, which means nothing to a destination and
 *       is skipped) and value type 22, which Valkey uses for a hash with field TTLs of its own
 *       layout ({@code RDB_TYPE_HASH_2}: field, value, absolute expiry in ms or -1). The version is
 *       given to Replicator as 11, so every other value becomes an RDB 11 payload; a type 22 hash
 *       is rebuilt by {@link PayloadValueVisitor} as Redis 7.4's type 24 (RDB 12).
 *   <li>RDB 13 files (Redis 8.6, {@code REDIS0013}), which Replicator refuses at the version
 *       ("can't handle RDB format version 13"). Their only new value type is 26 ({@code
 *       RDB_TYPE_STREAM_LISTPACKS_4}): type 21's stream followed by its idempotent-producer (IDMP)
 *       state. The version is given to Replicator as 12, so every other value becomes an RDB 12
 *       payload (its encodings are RDB 12's, and Redis 7.4 to 8.4 RESTORE it); a type 26 stream is
 *       dispatched as 21 and read whole by {@link PayloadValueVisitor} into a type 26 payload
 *       stamped 13. The key-metadata opcode (243, module metadata classes) is not read: a file that
 *       has one stops at it with Replicator's "unexpected value type:243".
 *   <li>Redis Enterprise's RAM-LRU opcode (107) before a key: a length that only Redis Enterprise
 *       uses. redis/librdb reads and ignores it the same way; Replicator fails with "unexpected
 *       value type:107".
 * </ul>
 */
public final class PayloadRdbVisitor extends DumpRdbVisitor {

  /** The RDB version given to Replicator for an RDB 13 file: the newest it parses. */
  static final int REDIS_13_AS = 12;

  /** The RDB version of payloads read from a Valkey 9 file (its encodings are RDB 11's). */
  public static final int VALKEY_PAYLOAD_VERSION = 11;

  private final PayloadValueVisitor values;

  /** How many key-prefix opcodes (expiry, LRU, LFU) are being read: AUX may follow them. */
  private int inKeyPrefix;

  /** The stream being parsed, once parsing has begun. */
  private RedisInputStream in;

  /** Whether the file is in Valkey 9's format (magic {@code VALKEY}). */
  private boolean valkey;

  /** Whether the file is RDB 13 (Redis 8.6), read by Replicator as 12. */
  private boolean redis13;

  public PayloadRdbVisitor(Replicator replicator) {
    this(replicator, new PayloadValueVisitor(replicator));
  }

  /**
   * A visitor that spills values above {@code bigKeyThreshold} bytes to temporary files (see {@link
   * #takeSpilled}).
   */
  public PayloadRdbVisitor(Replicator replicator, long bigKeyThreshold) {
    this(replicator, new PayloadValueVisitor(replicator, bigKeyThreshold));
  }

  /**
   * The temporary file the value of the last key event was spilled to, or null: call it for each
   * key event, on the parsing thread.
   */
  public io.github.rediskeysmigrator.core.PayloadFile takeSpilled() {
    return values.takeSpilled();
  }

  /**
   * Passes over the values of the keys that follow without capturing them (their events carry an
   * empty payload) until called with false: a resumed run's keys already written. Call on the
   * parsing thread, from a key's event, for the keys after it.
   */
  public void skipValues(boolean skip) {
    values.skipValues(skip);
  }

  private PayloadRdbVisitor(Replicator replicator, PayloadValueVisitor values) {
    super(replicator, values);
    this.values = values;
  }

  /**
   * How many bytes of RDB data (decompressed) the parser has consumed so far: after a key's event,
   * where its record ends. Replicator's own event offsets leave out the bytes its value visitors
   * read, so they fall behind by the size of every value before.
   */
  public long position() {
    RedisInputStream s = in;
    return s == null ? 0 : s.total() - (s.tail() - s.head());
  }

  @Override
  public String applyMagic(RedisInputStream in) throws IOException {
    String magic = BaseRdbParser.StringHelper.str(in, 5);
    if (magic.equals("VALKE") && BaseRdbParser.StringHelper.str(in, 1).equals("Y")) {
      valkey = true;
      return "REDIS";
    }
    if (!magic.equals("REDIS")) {
      throw new UnsupportedOperationException("not an RDB file (magic '" + magic + "')");
    }
    return magic;
  }

  @Override
  public int applyVersion(RedisInputStream in) throws IOException {
    if (!valkey) {
      String digits = BaseRdbParser.StringHelper.str(in, 4);
      int version;
      try {
        version = Integer.parseInt(digits);
      } catch (NumberFormatException e) {
        throw new UnsupportedOperationException("bad RDB version '" + digits + "'", e);
      }
      if (version == RdbHeader.REDIS_13) {
        redis13 = true;
        return REDIS_13_AS;
      }
      if (version < 2 || version > REDIS_13_AS) {
        throw new UnsupportedOperationException("can't handle RDB format version " + version);
      }
      return version;
    }
    String version = BaseRdbParser.StringHelper.str(in, 3);
    if (!version.equals("080")) {
      throw new UnsupportedOperationException(
          "Valkey RDB format version '" + version + "' cannot be read (only 080, Valkey 9)");
    }
    return VALKEY_PAYLOAD_VERSION;
  }

  @Override
  public int applyType(RedisInputStream in) throws IOException {
    this.in = in;
    int type = super.applyType(in);
    while (type == RdbTypes.OPCODE_RAM_LRU
        || (inKeyPrefix > 0 && type == RdbTypes.OPCODE_AUX)
        || (valkey && type == RdbTypes.OPCODE_SLOT_IMPORT)) {
      ValueSkipper skip = new ValueSkipper(in);
      if (type == RdbTypes.OPCODE_RAM_LRU) {
        skip.length();
      } else if (type == RdbTypes.OPCODE_SLOT_IMPORT) {
        checkString(in, "a slot import's name");
        skip.string(); // job name
        long ranges = skip.length();
        for (long i = 0; i < ranges; i++) {
          skip.length(); // first slot
          skip.length(); // last slot
        }
      } else {
        skip.string(); // name
        skip.string(); // value
      }
      type = super.applyType(in);
    }
    if (type < RdbTypes.FIRST_OPCODE) {
      checkString(in, "a key name");
    } else if (type == RdbTypes.OPCODE_AUX) {
      checkString(in, "an AUX field name");
    } else if (type == RdbTypes.OPCODE_FUNCTION2) {
      checkString(in, "a function library");
    }
    if (redis13 && type == RdbTypes.STREAM_LISTPACKS_4) {
      values.nextStreamHasIdmp();
      return RdbTypes.STREAM_LISTPACKS_3;
    }
    // Replicator dispatches on 24 and 25 only; the value visitor reads the other layouts.
    if (valkey && type == RdbTypes.VALKEY_HASH_2) {
      values.nextHashIsValkey();
      return RdbTypes.HASH_METADATA;
    }
    if (type == RdbTypes.HASH_METADATA_PRE_GA) {
      values.nextHashIsPreGa();
      return RdbTypes.HASH_METADATA;
    }
    if (type == RdbTypes.HASH_LISTPACK_EX_PRE_GA) {
      values.nextHashIsPreGa();
      return RdbTypes.HASH_LISTPACK_EX;
    }
    return type;
  }

  /**
   * Checks the length of the string about to be read, before Replicator reads it: Replicator
   * allocates the length it finds (an int cast of it, so 2^40 becomes 0 and the bytes after it are
   * misread), and an LZF string's declared decompressed size.
   */
  static void checkString(RedisInputStream in, String what) throws IOException {
    if (!(in instanceof BoundedRdbInput b)) {
      return;
    }
    RdbReader ahead = RdbReader.ahead(b);
    try {
      int first = ahead.peek();
      if (RdbReader.isEncoded(first)) {
        if (!RdbReader.isLzf(first)) {
          return; // an integer: a few bytes, nothing allocated by length
        }
        ahead.u8();
        long compressed = ahead.length();
        long plain = ahead.length();
        b.check(compressed, what + ", compressed");
        if (Long.compareUnsigned(plain, Lzf.maxExpansion(compressed)) > 0) {
          throw BoundedRdbInput.BadLengthException.overExpansion(
              b.position(), compressed, plain, what);
        }
        return;
      }
      long len = ahead.length();
      b.check(len, what);
      if (len > Integer.MAX_VALUE - 8) {
        throw BoundedRdbInput.BadLengthException.overOnePiece(b.position(), len, what);
      }
    } catch (PayloadDecoder.DecodeException e) {
      // A malformed length byte: left for Replicator's parser, which refuses it when it reads it
      // and names the place, as for any other corrupt structure.
      return;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public Event applyExpireTime(RedisInputStream in, int version, ContextKeyValuePair context)
      throws IOException {
    return inKeyPrefix(() -> super.applyExpireTime(in, version, context));
  }

  @Override
  public Event applyExpireTimeMs(RedisInputStream in, int version, ContextKeyValuePair context)
      throws IOException {
    return inKeyPrefix(() -> super.applyExpireTimeMs(in, version, context));
  }

  @Override
  public Event applyFreq(RedisInputStream in, int version, ContextKeyValuePair context)
      throws IOException {
    return inKeyPrefix(() -> super.applyFreq(in, version, context));
  }

  @Override
  public Event applyIdle(RedisInputStream in, int version, ContextKeyValuePair context)
      throws IOException {
    return inKeyPrefix(() -> super.applyIdle(in, version, context));
  }

  /** A part of a key's prefix in the file (its expiry, LFU or LRU), read by Replicator. */
  @FunctionalInterface
  private interface PrefixPart {
    Event read() throws IOException;
  }

  /** Reads {@code part} while counting as inside a key's prefix. */
  private Event inKeyPrefix(PrefixPart part) throws IOException {
    inKeyPrefix++;
    try {
      return part.read();
    } finally {
      inKeyPrefix--;
    }
  }
}
