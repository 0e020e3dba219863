package io.github.rediskeysmigrator.rdb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Builds small RDB files byte by byte, so tests need no redis-server to make them. */
final class RdbBytes {
  private static final int OPCODE_AUX = 0xfa;
  private static final int OPCODE_EXPIRETIME_MS = 0xfc;
  private static final int OPCODE_SELECTDB = 0xfe;
  private static final int OPCODE_EOF = 0xff;
  private static final int TYPE_STRING = 0;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private RdbBytes(int version) {
    out.writeBytes(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
  }

  private RdbBytes() {}

  /** Type byte, body, RDB version and CRC64, as DUMP returns them. */
  static byte[] dumpPayload(int type, byte[] body, int version) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    out.writeBytes(body);
    out.write(version);
    out.write(0);
    out.writeBytes(RdbEncoding.int64(Crc64.of(out.toByteArray())));
    return out.toByteArray();
  }

  /**
   * The body of Valkey 9's hash with field TTLs (type 22 at RDB 80) holding f1=v1 and f2=v2: count,
   * then field, value, absolute expiry (-1: none), as DUMP returns it.
   */
  static byte[] valkeyHash2(long f1Expiry, long f2Expiry) {
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    value.writeBytes(length(2));
    value.writeBytes(string("f1".getBytes(StandardCharsets.UTF_8)));
    value.writeBytes(string("v1".getBytes(StandardCharsets.UTF_8)));
    value.writeBytes(RdbEncoding.int64(f1Expiry));
    value.writeBytes(string("f2".getBytes(StandardCharsets.UTF_8)));
    value.writeBytes(string("v2".getBytes(StandardCharsets.UTF_8)));
    value.writeBytes(RdbEncoding.int64(f2Expiry));
    return value.toByteArray();
  }

  /** A Valkey 9 RDB ({@code VALKEY080}) with nothing in it yet. */
  static RdbBytes valkey9() {
    RdbBytes b = new RdbBytes();
    b.out.writeBytes("VALKEY080".getBytes(StandardCharsets.US_ASCII));
    return b;
  }

  /** An RDB of {@code version} with nothing in it yet. */
  static RdbBytes version(int version) {
    return new RdbBytes(version);
  }

  /** Adds a SELECTDB opcode. */
  RdbBytes selectDb(int db) {
    out.write(OPCODE_SELECTDB);
    writeLength(db);
    return this;
  }

  /** Adds a string key with a raw string value. */
  RdbBytes string(String key, byte[] value) {
    out.write(TYPE_STRING);
    writeString(key.getBytes(StandardCharsets.UTF_8));
    writeString(value);
    return this;
  }

  /** Adds an expiry in milliseconds (opcode 0xfc) for the key that follows. */
  RdbBytes expireMs(long at) {
    out.write(OPCODE_EXPIRETIME_MS);
    for (int i = 0; i < 8; i++) {
      out.write((int) (at >>> (8 * i)));
    }
    return this;
  }

  /** Adds an AUX field (opcode 0xfa). */
  RdbBytes aux(String name, String value) {
    out.write(OPCODE_AUX);
    writeString(name.getBytes(StandardCharsets.UTF_8));
    writeString(value.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Adds a key of value type {@code type} whose value is already encoded. */
  RdbBytes value(int type, String key, byte[] encoded) {
    out.write(type);
    writeString(key.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(encoded);
    return this;
  }

  /** Adds bytes as they are. */
  RdbBytes raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** A length as RDB encodes it (6, 14, 32 or 64 bits). */
  static byte[] length(long len) {
    RdbBytes b = new RdbBytes();
    b.writeLength(len);
    return b.out.toByteArray();
  }

  /** A length-prefixed string as RDB encodes it. */
  static byte[] string(byte[] s) {
    RdbBytes b = new RdbBytes();
    b.writeString(s);
    return b.out.toByteArray();
  }

  /** The bytes so far, then the EOF opcode and the CRC64 of everything before it. */
  byte[] withChecksum() {
    out.write(OPCODE_EOF);
    byte[] body = out.toByteArray();
    return withTrailer(body, Crc64.of(body));
  }

  /** The bytes so far, then the EOF opcode and a zero checksum (as rdbchecksum no writes). */
  byte[] withZeroChecksum() {
    out.write(OPCODE_EOF);
    return withTrailer(out.toByteArray(), 0);
  }

  /** The bytes so far and the EOF opcode, without checksum (RDB versions below 5). */
  byte[] withoutChecksum() {
    out.write(OPCODE_EOF);
    return out.toByteArray();
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static byte[] withTrailer(byte[] body, long crc) {
    byte[] file = new byte[body.length + 8];
    System.arraycopy(body, 0, file, 0, body.length);
    for (int i = 0; i < 8; i++) {
      file[body.length + i] = (byte) (crc >>> (8 * i));
    }
    return file;
  }

  private void writeString(byte[] s) {
    out.writeBytes(RdbEncoding.string(s));
  }

  private void writeLength(long len) {
    out.writeBytes(RdbEncoding.length(len));
  }
}
