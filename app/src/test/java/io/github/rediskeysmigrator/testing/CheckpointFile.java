package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Reads the offset a sync run wrote to its {@code --checkpoint} file, as a test polls for it. */
public final class CheckpointFile {
  private CheckpointFile() {}

  /** The stream offset in {@code file}, or -1 while there is none yet. */
  public static long offset(Path file) {
    try (var in = Files.newBufferedReader(file)) {
      Properties p = new Properties();
      p.load(in);
      String offset = p.getProperty("offset");
      return offset == null ? -1 : Long.parseLong(offset);
    } catch (IOException | NumberFormatException e) {
      // Not written yet, or being replaced: the caller polls again.
      return -1;
    }
  }
}
