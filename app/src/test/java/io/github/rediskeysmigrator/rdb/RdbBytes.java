package io.github.rediskeysmigrator.rdb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Builds small RDB files byte by byte, so tests need no redis-server to make them. */
final class RdbBytes {
  private static final int OPCODE_SELECTDB = 0xfe;
  private static final int OPCODE_EOF = 0xff;
  private static final int TYPE_STRING = 0;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private RdbBytes(int version) {
    out.writeBytes(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
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
    writeLength(s.length);
    out.writeBytes(s);
  }

  private void writeLength(int len) {
    if (len < 64) {
      out.write(len);
    } else if (len < 16384) {
      out.write(0x40 | (len >>> 8));
      out.write(len & 0xff);
    } else {
      out.write(0x80);
      out.write(len >>> 24);
      out.write(len >>> 16);
      out.write(len >>> 8);
      out.write(len);
    }
  }
}
