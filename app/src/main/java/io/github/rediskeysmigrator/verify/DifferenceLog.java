package io.github.rediskeysmigrator.verify;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the first {@code show} differences for the summary and writes every one, as a JSON line, to
 * the diff file when there is one.
 */
public final class DifferenceLog implements DifferenceSink, AutoCloseable {
  private final int show;
  private final List<Difference> first = new ArrayList<>();
  private final Path path;
  private final BufferedWriter out;

  private DifferenceLog(int show, Path path, BufferedWriter out) {
    this.show = show;
    this.path = path;
    this.out = out;
  }

  /**
   * A log keeping {@code show} differences in memory and writing all to {@code file} (emptied
   * first), or to no file when {@code file} is null.
   */
  public static DifferenceLog open(int show, Path file) throws IOException {
    BufferedWriter out =
        file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    return new DifferenceLog(show, file, out);
  }

  @Override
  public synchronized void difference(Difference d) {
    if (first.size() < show) {
      first.add(d);
    }
    if (out != null) {
      try {
        out.write(d.toJsonLine());
        out.newLine();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the diff file " + path, e);
      }
    }
  }

  /** The first differences, at most {@code show}. */
  public synchronized List<Difference> first() {
    return List.copyOf(first);
  }

  /** The diff file, or null. */
  public Path path() {
    return path;
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
