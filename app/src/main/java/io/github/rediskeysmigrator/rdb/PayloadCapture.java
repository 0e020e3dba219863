package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.io.RawByteListener;
import io.github.rediskeysmigrator.core.PayloadFile;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * Collects the raw bytes of one value as the parser skips over them and seals them into a DUMP
 * payload: type byte, value bytes, RDB version (2 bytes, little endian), CRC64 (8 bytes, little
 * endian). One instance serves every key of a file; only the finished payload is allocated.
 *
 * <p>A value that grows past {@code threshold} bytes is spilled to a temporary file and streamed
 * there, so no key ever sits whole in memory: {@link #finish} then returns an empty array and
 * {@link #takeSpilled} the file.
 */
final class PayloadCapture implements RawByteListener {
  private static final byte[] IN_FILE = new byte[0];

  private final long threshold;
  private byte[] buf = new byte[4096];
  private int len;

  /** The RDB value type of the payload being captured. */
  private int type;

  private File file;
  private OutputStream out;
  private long fileLength;
  private long crc;
  private PayloadFile spilled;

  /** A capture that spills values larger than {@code threshold} bytes to a temporary file. */
  PayloadCapture(long threshold) {
    this.threshold = threshold;
  }

  /** Starts a new payload of RDB value type {@code type}. */
  void begin(int type) {
    if (out != null) {
      // The last value broke off (a corrupt file): drop its partial file.
      try {
        out.close();
        Files.deleteIfExists(file.toPath());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + file, e);
      }
      out = null;
    }
    buf[0] = (byte) type;
    this.type = type;
    len = 1;
    spilled = null;
  }

  @Override
  public void handle(byte... bytes) {
    handle(bytes, 0, bytes.length);
  }

  /** Adds {@code n} bytes of {@code bytes} from {@code off} to the payload. */
  void handle(byte[] bytes, int off, int n) {
    try {
      if (out == null && len + (long) n > threshold) {
        spill();
      }
      if (out != null) {
        out.write(bytes, off, n);
        crc = Crc64.update(crc, bytes, off, n);
        fileLength += n;
        return;
      }
    } catch (IOException e) {
      // Replicator passes UncheckedIOException through to whoever opened the file.
      throw new UncheckedIOException("cannot write a big key's payload to " + file, e);
    }
    ensure(n);
    System.arraycopy(bytes, off, buf, len, n);
    len += n;
  }

  private void spill() throws IOException {
    file = PayloadFile.newTempFile().toFile();
    out = new BufferedOutputStream(Files.newOutputStream(file.toPath()), 1 << 16);
    out.write(buf, 0, len);
    crc = Crc64.update(0, buf, 0, len);
    fileLength = len;
    len = 0;
    if (buf.length > (1 << 20)) {
      buf = new byte[4096];
    }
  }

  /**
   * The sealed payload, stamped with {@code rdbVersion}; an empty array when the value was spilled
   * to a file (see {@link #takeSpilled}).
   */
  byte[] finish(int rdbVersion) {
    if (out != null) {
      return finishFile(rdbVersion);
    }
    ensure(10);
    Crc64.seal(buf, len, rdbVersion);
    len += 10;
    byte[] payload = Arrays.copyOf(buf, len);
    if (buf.length > (1 << 20)) {
      // Do not hold on to the buffer of one huge value for the rest of the file.
      buf = new byte[4096];
    }
    len = 0;
    return payload;
  }

  private byte[] finishFile(int rdbVersion) {
    byte[] footer = new byte[10];
    footer[0] = (byte) rdbVersion;
    long sum = Crc64.update(crc, footer, 0, 2);
    for (int i = 0; i < 8; i++) {
      footer[2 + i] = (byte) (sum >>> (8 * i));
    }
    try {
      out.write(footer);
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a big key's payload to " + file, e);
    } finally {
      out = null;
    }
    spilled = new PayloadFile(file.toPath(), fileLength + footer.length, rdbVersion, type);
    file = null;
    len = 0;
    return IN_FILE;
  }

  /** The file the last finished payload was spilled to, or null; cleared by the call. */
  PayloadFile takeSpilled() {
    PayloadFile f = spilled;
    spilled = null;
    return f;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      // Doubling, but never past the threshold (and its footer): below it nothing spills, so
      // the buffer's size is what a key below the threshold costs.
      long cap = Math.min(threshold, Integer.MAX_VALUE - 18) + 10;
      long size = Math.max(len + (long) more, Math.min(buf.length * 2L, cap));
      buf = Arrays.copyOf(buf, (int) size);
    }
  }
}
