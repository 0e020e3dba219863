package io.github.rediskeysmigrator.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds ../shared (the fixture corpus and prebuilt servers) from wherever a test runs. */
public final class SharedDir {
  private SharedDir() {}

  /** The first {@code shared} directory beside the working directory or one of its parents. */
  public static Path find() {
    Path d = Path.of("").toAbsolutePath();
    while (d != null) {
      Path candidate = d.resolve("shared");
      if (Files.isDirectory(candidate.resolve("redis-bin"))) {
        return candidate;
      }
      d = d.getParent();
    }
    throw new IllegalStateException(
        "../shared (with redis-bin/) not found above " + Path.of("").toAbsolutePath());
  }
}
