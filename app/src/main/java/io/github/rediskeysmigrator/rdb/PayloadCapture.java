package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.io.RawByteListener;
import java.util.Arrays;

/**
 * Collects the raw bytes of one value as the parser skips over them and seals them into a DUMP
 * payload: type byte, value bytes, RDB version (2 bytes, little endian), CRC64 (8 bytes, little
 * endian). One instance serves every key of a file; only the finished payload is allocated.
 */
final class PayloadCapture implements RawByteListener {
  private byte[] buf = new byte[4096];
  private int len;

  /** Starts a new payload of RDB value type {@code type}. */
  void begin(int type) {
    buf[0] = (byte) type;
    len = 1;
  }

  @Override
  public void handle(byte... bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
  }

  /** The sealed payload, stamped with {@code rdbVersion}. */
  byte[] finish(int rdbVersion) {
    ensure(10);
    buf[len++] = (byte) rdbVersion;
    buf[len++] = 0;
    long crc = Crc64.update(0, buf, 0, len);
    for (int i = 0; i < 8; i++) {
      buf[len++] = (byte) (crc >>> (8 * i));
    }
    byte[] payload = Arrays.copyOf(buf, len);
    if (buf.length > (1 << 20)) {
      // Do not hold on to the buffer of one huge value for the rest of the file.
      buf = new byte[4096];
    }
    len = 0;
    return payload;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
