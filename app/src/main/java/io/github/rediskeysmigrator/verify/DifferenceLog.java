package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.LineFile;
import java.io.IOException;
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
  private final LineFile file;

  private DifferenceLog(int show, LineFile file) {
    this.show = show;
    this.file = file;
  }

  /**
   * A log keeping {@code show} differences in memory and writing all to {@code file} (emptied
   * first), or to no file when {@code file} is null.
   */
  public static DifferenceLog open(int show, Path file) throws IOException {
    return new DifferenceLog(show, file == null ? null : LineFile.open(file, "diff file"));
  }

  @Override
  public synchronized void difference(Difference d) {
    if (first.size() < show) {
      first.add(d);
    }
    if (file != null) {
      file.write(d.toJsonLine(), false);
    }
  }

  /** The first differences, at most {@code show}. */
  public synchronized List<Difference> first() {
    return List.copyOf(first);
  }

  /** The diff file, or null. */
  public Path path() {
    return file == null ? null : file.path();
  }

  @Override
  public synchronized void close() throws IOException {
    if (file != null) {
      file.close();
    }
  }
}
