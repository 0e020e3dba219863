package io.github.rediskeysmigrator.rdb;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
   * Reads the whole (decompressed) file once. A plain file of {@link #PARALLEL_FROM} bytes or more
   * is read in as many parts as there are processors (up to four), each by a thread of its own,
   * their CRCs combined ({@link Crc64#combine}): nothing else runs while the files are checked, so
   * the cores the migration will use are free.
   *
   * @throws BadRdbException when the file does not end with the EOF opcode and a matching CRC64
   */
  public static Result verify(RdbHeader header) throws BadRdbException {
    return verify(
        header,
        Long.MAX_VALUE,
        PARALLEL_FROM,
        Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Checks the RDB that makes up the first {@code length} (decompressed) bytes of the file: the
   * preamble of an AOF, whose commands follow it.
   *
   * @throws BadRdbException when those bytes do not end with the EOF opcode and a matching CRC64
   */
  public static Result verifyPrefix(RdbHeader header, long length) throws BadRdbException {
    return verify(header, length, Long.MAX_VALUE, 1);
  }

  /** Files from this size on are read in parallel parts. */
  static final long PARALLEL_FROM = 16L << 20;

  /** {@link #verify(RdbHeader)} with the size and the number of parts for parallel reading. */
  static Result verify(RdbHeader header, long parallelFrom, int parts) throws BadRdbException {
    return verify(header, Long.MAX_VALUE, parallelFrom, parts);
  }

  private static Result verify(RdbHeader header, long length, long parallelFrom, int parts)
      throws BadRdbException {
    Path file = header.file();
    try {
      if (parts > 1
          && length == Long.MAX_VALUE
          && header.version() >= 5
          && Files.size(file) >= Math.max(parallelFrom, TRAILER + 1)
          && !RdbFiles.isGzip(file)) {
        return verifyInParts(header, parts);
      }
    } catch (IOException e) {
      throw new BadRdbException(file, "cannot be read to the end: " + e.getMessage(), e);
    }
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
    return compare(file, crc, tail);
  }

  /** Checks the stored CRC in {@code tail} (EOF opcode, then 8 bytes) against {@code crc}. */
  private static Result compare(Path file, long crc, byte[] tail) throws BadRdbException {
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

  /** The body of a plain file read in {@code parts} ranges by as many threads. */
  private static Result verifyInParts(RdbHeader header, int parts) throws BadRdbException {
    Path file = header.file();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long body = size - TRAILER;
      byte[] tail = new byte[TRAILER];
      readFully(ch, ByteBuffer.wrap(tail), body);
      if ((tail[0] & 0xff) != RdbTypes.OPCODE_EOF) {
        throw new BadRdbException(
            file,
            "is truncated or corrupt: it does not end with the RDB end marker and checksum ("
                + size
                + " bytes read)");
      }
      long per = body / parts;
      List<Callable<Long>> ranges = new ArrayList<>();
      for (int i = 0; i < parts; i++) {
        long from = i * per;
        long to = i == parts - 1 ? body : from + per;
        ranges.add(() -> crcOf(ch, from, to));
      }
      ExecutorService pool =
          Executors.newFixedThreadPool(
              parts,
              r -> {
                Thread t = new Thread(r, "rkm-checksum");
                t.setDaemon(true);
                return t;
              });
      long crc = 0;
      try {
        List<Future<Long>> results = pool.invokeAll(ranges);
        for (int i = 0; i < parts; i++) {
          long length = (i == parts - 1 ? body : (i + 1) * per) - i * per;
          crc = Crc64.combine(crc, results.get(i).get(), length);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BadRdbException(file, "was not checked to the end: interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw new BadRdbException(file, "cannot be read to the end: " + cause.getMessage(), cause);
      } finally {
        pool.shutdownNow();
      }
      crc = Crc64.update(crc, tail, 0, 1);
      return compare(file, crc, tail);
    } catch (IOException e) {
      throw new BadRdbException(file, "cannot be read to the end: " + e.getMessage(), e);
    }
  }

  /** The CRC of the bytes {@code [from, to)} of {@code ch}, read with positional reads. */
  private static long crcOf(FileChannel ch, long from, long to) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    long crc = 0;
    long pos = from;
    while (pos < to) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), to - pos));
      readFully(ch, buf, pos);
      crc = Crc64.update(crc, buf.array(), 0, buf.limit());
      pos += buf.limit();
    }
    return crc;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
    long pos = at;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new EOFException("the file ended at byte " + pos + " while being read");
      }
      pos += n;
    }
  }
}
