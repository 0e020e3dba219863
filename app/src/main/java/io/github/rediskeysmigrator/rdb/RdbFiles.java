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

  /** Opens {@code file} directly. */
  public static InputStream open(Path file) throws IOException {
    return open(file, Files.newInputStream(file));
  }
}
