package io.github.rediskeysmigrator.core;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A UTF-8 text file written one line at a time (the error log, the diff file); a line that cannot
 * be written is an {@link UncheckedIOException} naming the file, since the callers are listeners
 * that cannot throw {@link IOException}.
 */
public final class LineFile implements AutoCloseable {
  private final Path path;
  private final String name;
  private final BufferedWriter out;

  private LineFile(Path path, String name, BufferedWriter out) {
    this.path = path;
    this.name = name;
    this.out = out;
  }

  /**
   * Opens {@code path} as {@link Files#newBufferedWriter} does with {@code options}.
   *
   * @param name what the file is, for the error message ({@code error log})
   */
  public static LineFile open(Path path, String name, OpenOption... options) throws IOException {
    return new LineFile(path, name, Files.newBufferedWriter(path, StandardCharsets.UTF_8, options));
  }

  public Path path() {
    return path;
  }

  /** Writes {@code line} and a line break; with {@code flush}, pushes it to the file at once. */
  public void write(String line, boolean flush) {
    try {
      out.write(line);
      out.newLine();
      if (flush) {
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the " + name + " " + path, e);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
