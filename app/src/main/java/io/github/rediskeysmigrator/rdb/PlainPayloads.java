package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import java.io.ByteArrayOutputStream;

/**
 * A DUMP payload written again in the plain encodings that every server since Redis 4.0 reads
 * (string 0, list 1, set 2, hash 4, sorted set 5), for a destination that can neither restore the
 * payload as read nor restamp it: a Redis 7.4 hash, a Redis 7.2 listpack set or a Valkey 9 hash
 * into an older server. One RESTORE of such a payload builds the value in the destination as one
 * command that the plain-command rewrite (RPUSH, SADD, ...) needs several for, with the existence
 * policy and the expiry of RESTORE, and the server picks its own compact encoding on load as it
 * does for commands.
 *
 * <p>What this cannot carry stays on the command path: streams (their consumer groups), module
 * values, hashes with field TTLs (no plain type holds them), and destinations older than RDB 8
 * (sorted sets were written with text scores then). Redis loads these types from any DUMP whose
 * footer names a version it reads, which the rewrite matrix tests prove against real servers of
 * every version we support.
 */
public final class PlainPayloads {
  /** The first RDB version (Redis 4.0) that reads sorted sets with binary scores (type 5). */
  private static final int ZSET_2_SINCE = 8;

  private PlainPayloads() {}

  /**
   * {@code payload} in plain encodings, stamped with {@code serverVersion}, or null when it holds
   * something only commands can write (see the class comment).
   *
   * @throws DecodeException when the payload is corrupt
   */
  public static byte[] forServer(byte[] payload, int serverVersion) throws DecodeException {
    if (serverVersion < ZSET_2_SINCE || payload.length < 11) {
      return null;
    }
    KindOf kind = kindOf(payload[0] & 0xff);
    if (kind == null) {
      return null;
    }
    Encoder e = new Encoder(payload.length + 64);
    PayloadDecoder.decode(payload, e);
    return e.finish(kind, serverVersion);
  }

  /** The plain type a payload's type byte is written as, or null for one that is not. */
  private static KindOf kindOf(int type) {
    RdbTypes.Info info = RdbTypes.info(type);
    if (info == null) {
      return null;
    }
    return switch (info.family()) {
      case STRING -> KindOf.STRING;
      case LIST -> KindOf.LIST;
      case SET -> KindOf.SET;
      case ZSET -> KindOf.ZSET;
      case HASH -> KindOf.HASH;
      default -> null;
    };
  }

  private enum KindOf {
    STRING(RdbTypes.STRING),
    LIST(RdbTypes.LIST),
    SET(RdbTypes.SET),
    ZSET(RdbTypes.ZSET_2),
    HASH(RdbTypes.HASH);

    final int type;

    KindOf(int type) {
      this.type = type;
    }
  }

  /** Collects the elements as RDB strings; the count goes in front once it is known. */
  private static final class Encoder implements PayloadDecoder.Handler {
    private final Buf body;
    private long count;
    private boolean fieldTtl;

    Encoder(int size) {
      body = new Buf(size);
    }

    @Override
    public void string(byte[] value) {
      body.string(value);
      count = -1;
    }

    @Override
    public void listElement(byte[] element) {
      body.string(element);
      count++;
    }

    @Override
    public void setMember(byte[] member) {
      body.string(member);
      count++;
    }

    @Override
    public void zsetMember(byte[] member, double score) {
      body.string(member);
      long bits = Double.doubleToRawLongBits(score);
      for (int i = 0; i < 8; i++) {
        body.write((int) (bits >>> (8 * i)));
      }
      count++;
    }

    @Override
    public void hashField(byte[] field, byte[] value, long expireAtMs) {
      fieldTtl |= expireAtMs != -1;
      body.string(field);
      body.string(value);
      count++;
    }

    @Override
    public void stream(PayloadDecoder.StreamValue stream) {
      throw new IllegalStateException("a stream reached the plain encoder");
    }

    /** The payload, or null when the value cannot be written plainly (or is empty). */
    byte[] finish(KindOf kind, int serverVersion) {
      if (fieldTtl || count == 0) {
        return null;
      }
      Buf out = new Buf(body.size() + 32);
      out.write(kind.type);
      if (kind != KindOf.STRING) {
        out.length(count);
      }
      out.write(body.bytes(), 0, body.size());
      // The footer: two bytes of RDB version and eight of CRC64, filled in by seal.
      byte[] payload = new byte[out.size() + 10];
      System.arraycopy(out.bytes(), 0, payload, 0, out.size());
      Crc64.seal(payload, out.size(), serverVersion);
      return payload;
    }
  }

  /** A byte buffer that writes RDB lengths and strings and gives its array without a copy. */
  private static final class Buf extends ByteArrayOutputStream {
    Buf(int size) {
      super(size);
    }

    byte[] bytes() {
      return buf;
    }

    void string(byte[] s) {
      length(s.length);
      write(s, 0, s.length);
    }

    /** An RDB length: 6, 14, 32 or 64 bits. */
    void length(long n) {
      if (n < 1 << 6) {
        write((int) n);
      } else if (n < 1 << 14) {
        write(0x40 | (int) (n >>> 8));
        write((int) n & 0xff);
      } else if (n <= 0xffffffffL) {
        write(0x80);
        for (int i = 24; i >= 0; i -= 8) {
          write((int) (n >>> i) & 0xff);
        }
      } else {
        write(0x81);
        for (int i = 56; i >= 0; i -= 8) {
          write((int) (n >>> i) & 0xff);
        }
      }
    }
  }
}
