package io.github.rediskeysmigrator.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Verifies the CRC64 at the end of an RDB file before any of its keys is written. Redis Replicator
 * reads the stored checksum but never compares it, and stops silently at a premature end of file;
 * this check catches both a corrupt and a truncated file up front.
 */
public final class RdbChecksum {
  private static final int TRAILER = 9;

  private RdbChecksum() {}

  /** What the check found. */
  public enum Result {
    /** The stored checksum matches. */
    VERIFIED,
    /** The file carries no checksum (RDB version below 5, or saved with rdbchecksum no). */
    ABSENT
  }

  /**
   * Reads the whole (decompressed) file once.
   *
   * @throws BadRdbException when the file does not end with the EOF opcode and a matching CRC64
   */
  public static Result verify(RdbHeader header) throws BadRdbException {
    return verify(header, Long.MAX_VALUE);
  }

  /**
   * Checks the RDB that makes up the first {@code length} (decompressed) bytes of the file: the
   * preamble of an AOF, whose commands follow it.
   *
   * @throws BadRdbException when those bytes do not end with the EOF opcode and a matching CRC64
   */
  public static Result verifyPrefix(RdbHeader header, long length) throws BadRdbException {
    return verify(header, length);
  }

  private static Result verify(RdbHeader header, long length) throws BadRdbException {
    Path file = header.file();
    byte[] buf = new byte[1 << 20];
    // The last 9 bytes seen are held back: they should be the EOF opcode and the CRC itself.
    byte[] tail = new byte[TRAILER];
    int tailLen = 0;
    long crc = 0;
    long total = 0;
    try (InputStream in = RdbFiles.open(file)) {
      int n;
      while (total < length
          && (n = in.read(buf, 0, (int) Math.min(buf.length, length - total))) > 0) {
        total += n;
        // Bytes that push out of the tail window are part of the checksummed body.
        int overflow = tailLen + n - TRAILER;
        if (overflow > 0) {
          int fromTail = Math.min(overflow, tailLen);
          crc = Crc64.update(crc, tail, 0, fromTail);
          System.arraycopy(tail, fromTail, tail, 0, tailLen - fromTail);
          tailLen -= fromTail;
          int fromBuf = overflow - fromTail;
          crc = Crc64.update(crc, buf, 0, fromBuf);
          System.arraycopy(buf, fromBuf, tail, tailLen, n - fromBuf);
          tailLen += n - fromBuf;
        } else {
          System.arraycopy(buf, 0, tail, tailLen, n);
          tailLen += n;
        }
      }
    } catch (IOException e) {
      throw new BadRdbException(file, "cannot be read to the end: " + e.getMessage(), e);
    }
    if (header.version() < 5) {
      return Result.ABSENT;
    }
    if (tailLen < TRAILER || (tail[0] & 0xff) != RdbTypes.OPCODE_EOF) {
      throw new BadRdbException(
          file,
          "is truncated or corrupt: it does not end with the RDB end marker and checksum ("
              + total
              + " bytes read)");
    }
    crc = Crc64.update(crc, tail, 0, 1);
    long stored = 0;
    for (int i = 8; i >= 1; i--) {
      stored = (stored << 8) | (tail[i] & 0xffL);
    }
    if (stored == 0) {
      return Result.ABSENT;
    }
    if (stored != crc) {
      throw new BadRdbException(
          file,
          String.format(
              Locale.ROOT,
              "checksum mismatch: the file says %016x, its content gives %016x"
                  + " (the file is corrupt or truncated)",
              stored,
              crc));
    }
    return Result.VERIFIED;
  }
}
