package io.github.rediskeysmigrator.rdb;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens {@code .rdb} and {@code .rdb.gz} files alike. */
public final class RdbFiles {
  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;

  private RdbFiles() {}

  /**
   * Opens {@code file} for reading its RDB bytes, decompressing when it starts with the gzip magic
   * (whatever its name says). {@code raw} sees the file's own bytes, for progress counting.
   */
  public static InputStream open(Path file, InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2) {
      return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    return in;
  }

  /**
   * Deflate's greatest expansion: one compressed byte never stands for more than 1032 bytes, so a
   * gzip file of N bytes holds at most 1032 N bytes of RDB data.
   */
  private static final long DEFLATE_MAX_RATIO = 1032;

  /**
   * The most RDB bytes {@code file} can hold: its size, or for a gzip file its size times deflate's
   * greatest expansion. A length read from the file beyond this is corrupt.
   */
  public static long dataBound(Path file) throws IOException {
    long size = Files.size(file);
    if (!isGzip(file)) {
      return size;
    }
    return size > Long.MAX_VALUE / DEFLATE_MAX_RATIO ? Long.MAX_VALUE : size * DEFLATE_MAX_RATIO;
  }

  /** Whether {@code file} starts with the gzip magic. */
  public static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == GZIP_MAGIC_1 && in.read() == GZIP_MAGIC_2;
    }
  }

  /** Opens {@code file} directly. */
  public static InputStream open(Path file) throws IOException {
    return open(file, Files.newInputStream(file));
  }
}
