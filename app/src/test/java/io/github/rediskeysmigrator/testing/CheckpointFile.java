package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * Reads what a run wrote to its {@code --checkpoint} file, as a test polls for it: the offset of a
 * sync run, the keys acknowledged by an rdb or scan run.
 */
public final class CheckpointFile {
  private CheckpointFile() {}

  /** The stream offset in {@code file}, or -1 while there is none yet. */
  public static long offset(Path file) {
    try {
      String offset = read(file).getProperty("offset");
      return offset == null ? -1 : Long.parseLong(offset);
    } catch (IOException | NumberFormatException e) {
      // Not written yet, or being replaced: the caller polls again.
      return -1;
    }
  }

  /**
   * Waits up to {@code timeout} until the sync run {@code run} has checkpointed an offset of {@code
   * atLeast} or more in {@code file}; fails naming {@code what}, or at once if the run exits.
   */
  public static void awaitOffset(String what, Duration timeout, JarRun run, Path file, long atLeast)
      throws InterruptedException {
    Await.until(what, timeout, run, () -> offset(file) >= atLeast);
  }

  /**
   * The keys an rdb or scan checkpoint says the destination acknowledged (every stream's), or -1
   * while there is none yet.
   */
  public static long keys(Path file) {
    try {
      Properties p = read(file);
      long keys = 0;
      for (int i = 1; p.getProperty("stream." + i) != null; i++) {
        keys += Long.parseLong(p.getProperty("stream." + i + ".keys"));
      }
      return p.getProperty("state") == null ? -1 : keys;
    } catch (IOException | NumberFormatException e) {
      // Not written yet, or being replaced: the caller polls again.
      return -1;
    }
  }

  /** Whether an rdb or scan checkpoint says its run is complete. */
  public static boolean complete(Path file) {
    try {
      return "complete".equals(read(file).getProperty("state"));
    } catch (IOException e) {
      // Not written yet, or being replaced: not complete as far as the caller can tell.
      return false;
    }
  }

  private static Properties read(Path file) throws IOException {
    try (var in = Files.newBufferedReader(file)) {
      Properties p = new Properties();
      p.load(in);
      return p;
    }
  }
}
